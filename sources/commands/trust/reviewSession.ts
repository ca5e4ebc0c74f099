/**
 * The conversation of `yarn trust review`, without Yarn or a terminal: each
 * item is shown, a decision is asked for (and a reason where one is
 * recorded), and the decision is handed to the caller to record before the
 * next item, so that quitting halfway keeps what was decided.
 */

export type Decision = `approve` | `deny` | `skip`;

export interface ReviewItem {
  /** The package or name the decision is about, as commands take it. */
  name: string;
  /** What is shown before the question: the finding, who brings it in, the diff. */
  lines: Array<string>;
  /** Decisions this item offers besides skipping, with how the prompt words them. */
  offers: Partial<Record<Exclude<Decision, `skip`>, {label: string, reasonRequired: boolean}>>;
}

export interface ReviewIo {
  print: (lines: Array<string>) => void;
  /** One line of input; null when the input ended. */
  ask: (question: string) => Promise<string | null>;
}

export interface ReviewOutcome {
  decided: Array<{name: string, decision: Exclude<Decision, `skip`>, reason: string | null}>;
  skipped: Array<string>;
  /** True when the session ended before the last item (q, or the input ended). */
  stopped: boolean;
}

const KEYS: Record<string, Decision | `quit`> = {a: `approve`, d: `deny`, s: `skip`, q: `quit`};

/**
 * Walks the items in order. `record` is called with each decision as soon as
 * it is made; an error it throws ends the session (nothing after it is asked).
 */
export async function runReview(items: ReadonlyArray<ReviewItem>, io: ReviewIo, record: (item: ReviewItem, decision: Exclude<Decision, `skip`>, reason: string | null) => Promise<void>): Promise<ReviewOutcome> {
  const outcome: ReviewOutcome = {decided: [], skipped: [], stopped: false};
  for (const [index, item] of items.entries()) {
    io.print([``, `(${index + 1}/${items.length}) ${item.lines[0] ?? item.name}`, ...item.lines.slice(1)]);
    const choices = [...(Object.keys(item.offers) as Array<Exclude<Decision, `skip`>>).map(decision => `[${decision[0]}] ${item.offers[decision]!.label}`), `[s] skip`, `[q] quit`];
    let decision: Decision | `quit` | null = null;
    while (decision === null) {
      const answer = await io.ask(`${choices.join(`, `)}? `);
      if (answer === null) {
        decision = `quit`;
        break;
      }
      const key = KEYS[answer.trim().toLowerCase().slice(0, 1)];
      if (key !== undefined && (key === `skip` || key === `quit` || Object.hasOwn(item.offers, key)))
        decision = key;
      else
        io.print([`Type one of: ${choices.map(choice => choice.slice(1, 2)).join(`, `)}`]);
    }
    if (decision === `quit`) {
      outcome.stopped = true;
      outcome.skipped.push(...items.slice(index).map(rest => rest.name));
      return outcome;
    }
    if (decision === `skip`) {
      outcome.skipped.push(item.name);
      continue;
    }

    const offer = item.offers[decision]!;
    let reason: string | null = null;
    for (;;) {
      const answer = await io.ask(offer.reasonRequired ? `Reason (required, recorded in the trust file): ` : `Reason (recorded in the trust file; empty for none): `);
      if (answer === null) {
        outcome.stopped = true;
        outcome.skipped.push(...items.slice(index).map(rest => rest.name));
        return outcome;
      }
      reason = answer.trim() === `` ? null : answer.trim();
      if (reason !== null || !offer.reasonRequired)
        break;
      io.print([`A reason is required for this decision.`]);
    }
    await record(item, decision, reason);
    outcome.decided.push({name: item.name, decision, reason});
  }
  return outcome;
}
