// Which reason known-gaps.json keeps for a gap that is still measured. A reason written by hand explains the
// measurement ("λ 0.01 (RidgeNet.__init__'s default), expected 0.05: the call is of the subclass…"), so it is kept
// while it still describes the failure; once the failure is another (a different refusal, other numbers, another
// rule), the hand-written text is stale and the measured one replaces it.

/** The head of a reason, before its first ':', without the batch tags written by hand ("false alarm LL113 (blind)"). */
function headOf(reason: string): string {
  const head = reason.split(':')[0] ?? reason;
  return head.replace(/\s*\([^)]*\)/g, '').trim();
}

/** What identifies a measured failure: its rule codes, its numbers, and the code it quotes in backticks. */
function markersOf(reason: string): string[] {
  const codes = reason.match(/\bLL\d{3}\b/g) ?? [];
  const numbers = reason.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? [];
  const quoted = reason.match(/`[^`]+`/g) ?? [];
  return [...codes, ...numbers, ...quoted];
}

/** True when a reason written earlier still describes the failure measured now. */
export function stillDescribes(written: string, measured: string): boolean {
  if (headOf(written) !== headOf(measured)) return false;
  return markersOf(measured).every((marker) => written.includes(marker));
}

/** The reason to record: the earlier one while it still describes the measured failure, else the measured one. */
export function gapReason(written: string | undefined, measured: string): string {
  return written !== undefined && stillDescribes(written, measured) ? written : measured;
}
