// Fixing accounts that need the user: the actions a row, a card or a panel
// can ask the window for (through a context, so each list layout reaches
// them without passing callbacks down), and the bookkeeping and words of a
// bulk fix. The backend decides which fixes an account has and which logins
// a bulk fix runs (its FixPlan); this only follows and phrases them.
import { getContext, setContext } from 'svelte';
import type { AccountView, ClientGroup, FixPlan, FixStep } from './api';
import { plural } from './present';

export interface RepairActions {
  /** Logs in again for the account (an imported one becomes connected). */
  reconnect: (account: AccountView) => void;
  /** Opens the dialog that pastes a new token onto the account. */
  replaceToken: (account: AccountView) => void;
  /** Fixes every account of the client that needs the user, one login after another; "" for all clients. */
  fixClient: (clientId: string) => void;
  /** Opens the client's contact and notes. */
  editClient: (client: Pick<ClientGroup, 'id'>) => void;
}

const key = Symbol('repair');

export function setRepairActions(actions: RepairActions): void {
  setContext(key, actions);
}

/** The window's repair actions, or undefined outside it (a component rendered alone in a test). */
export function repairActions(): RepairActions | undefined {
  return getContext<RepairActions | undefined>(key);
}

/** canReplaceToken: the backend offers a pasted token as a fix (accounts imported by hand). */
export function canReplaceToken(a: Pick<AccountView, 'fixes'>): boolean {
  return a.fixes.includes('replace_token');
}

/** attentionCount counts the accounts of the groups whose status asks the user to act. */
export function attentionCount(groups: readonly Pick<ClientGroup, 'accounts'>[]): number {
  let n = 0;
  for (const g of groups) for (const a of g.accounts) if (a.needs_attention) n++;
  return n;
}

/** fixLabel is the bulk button: "Fix 1 account", "Fix 5 accounts". */
export function fixLabel(n: number): string {
  return `Fix ${plural(n, 'account')}`;
}

export type StepOutcome = 'fixed' | 'partly' | 'skipped' | 'failed' | 'blocked' | 'stopped';

export interface StepResult {
  step: FixStep;
  outcome: StepOutcome;
  /** What happened, one sentence; "" when fixed without remarks. */
  note: string;
  /** Accounts the login renewed. */
  fixed: number;
}

/** A bulk fix under way: the plan's logins, which one runs, and how each ended. */
export interface BulkRun {
  steps: FixStep[];
  /** The step running or next to run; steps.length once done. */
  index: number;
  results: StepResult[];
  stopped: boolean;
}

export function startRun(plan: FixPlan): BulkRun {
  return { steps: plan.steps, index: 0, results: [], stopped: false };
}

/** finished: every step ran, or the user stopped. */
export function finished(run: BulkRun): boolean {
  return run.stopped || run.index >= run.steps.length;
}

/** record ends the current step with its outcome and moves to the next. */
export function record(run: BulkRun, outcome: StepOutcome, note = '', fixed = 0): BulkRun {
  const step = run.steps[run.index];
  if (!step) return run;
  return { ...run, index: run.index + 1, results: [...run.results, { step, outcome, note, fixed }] };
}

/** stop ends the run: the current step and those after it are counted as not done. */
export function stop(run: BulkRun): BulkRun {
  const rest = run.steps.slice(run.index).map((step) => ({ step, outcome: 'stopped' as const, note: '', fixed: 0 }));
  return { ...run, index: run.steps.length, results: [...run.results, ...rest], stopped: true };
}

/** progressText: "Login 2 of 5". */
export function progressText(run: BulkRun): string {
  return `Login ${Math.min(run.index + 1, run.steps.length)} of ${run.steps.length}`;
}

/** stepTitle: what the current login is for: "Acme YouTube (Acme Bakery) and 2 more accounts". */
export function stepTitle(step: FixStep): string {
  const more = step.fixes.filter((f) => f.account_id !== step.account_id).length;
  const own = step.fixes.some((f) => f.account_id === step.account_id);
  const base = `${step.label} (${step.client_name})`;
  if (more === 0) return base;
  if (!own) return `${base}, for ${plural(more, 'account')} it keeps alive`;
  return `${base} and ${plural(more, 'more account')}`;
}

export interface Summary {
  headline: string;
  tone: 'good' | 'warn' | 'bad';
}

/** summary words the end of a run: "4 of 5 accounts fixed; 1 skipped." */
export function summary(run: BulkRun): Summary {
  const total = run.steps.reduce((n, s) => n + s.fixes.length, 0);
  const fixed = run.results.reduce((n, r) => n + r.fixed, 0);
  const count = (o: StepOutcome) => run.results.filter((r) => r.outcome === o).length;
  const parts: string[] = [];
  const skipped = count('skipped') + count('blocked');
  if (skipped) parts.push(`${plural(skipped, 'login')} skipped`);
  if (count('failed')) parts.push(`${plural(count('failed'), 'login')} failed`);
  if (count('stopped')) parts.push(`${plural(count('stopped'), 'login')} not done (stopped)`);
  const head = fixed === total ? `All ${plural(total, 'account')} fixed` : `${fixed} of ${plural(total, 'account')} fixed`;
  const headline = parts.length ? `${head}; ${parts.join(', ')}.` : `${head}.`;
  const tone = fixed === total ? 'good' : fixed === 0 ? 'bad' : 'warn';
  return { headline, tone };
}
