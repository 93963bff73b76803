// Choose λ: the sweep's grid, feasibility per constraint, the Pareto front and the recommendation (plain TS).
export * from './analyse';
export * from './collect';
export * from './feasibility';
export * from './gradRatio';
export * from './grid';
export * from './multiGrid';
export * from './order';
export * from './pareto';
export * from './recommend';
export * from './tolerance';
