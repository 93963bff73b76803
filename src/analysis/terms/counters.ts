// Names a training loop counts with: the variable of an epoch or step loop (`for epoch in range(…)`), a trainer's
// counters (Lightning's `self.current_epoch`, `self.global_step`). A weight that reads one is a λ scheduled by
// training (KL warm-up `min(1.0, epoch / WARMUP)`), never itself the λ: the trainer holds each run's λ in the
// schedule's place (trainer/interpreter/schedule.ts).
export const TRAINING_COUNTER = /^(epoch|ep|epoch_idx|epoch_num|cur_epoch|current_epoch|step|global_step|train_step|iteration|iter|n_iter|it|i_epoch|batch_idx)$/;

/** Whether a name or dotted name (`self.current_epoch`) is a training counter by its last segment. */
export const isTrainingCounter = (name: string): boolean => TRAINING_COUNTER.test(name.slice(name.lastIndexOf('.') + 1));
