import { StepAnswer, StepPosition } from './userInput';

/** One question of a multi-step input, over a draft that the steps fill in. */
export interface InputStep<D> {
  /** Whether the step is asked, given the answers so far (default: always). */
  readonly applies?: (draft: Partial<D>) => boolean;
  /** Asks, showing the draft's earlier answer when the user came back; returns the fields it fills in. */
  ask(position: StepPosition, draft: Partial<D>): Promise<StepAnswer<Partial<D>>>;
}

/**
 * Runs the steps in order over a draft. Each step is counted ("2 of 5") among those that apply to the answers so
 * far; Back returns to the step asked before, its earlier answer kept as the starting point; a dismissed step ends
 * the input with undefined, so the command does nothing.
 */
export async function runSteps<D>(steps: readonly InputStep<D>[], initial: Partial<D> = {}): Promise<Partial<D> | undefined> {
  let draft: Partial<D> = { ...initial };
  const asked: number[] = [];
  const applies = (step: InputStep<D>) => !step.applies || step.applies(draft);
  let index = 0;
  while (index < steps.length) {
    const step = steps[index];
    if (!applies(step)) {
      index++;
      continue;
    }
    const position = { step: asked.length + 1, totalSteps: asked.length + steps.slice(index).filter(applies).length };
    const answer = await step.ask(position, draft);
    if (answer === undefined) {
      return undefined;
    }
    if (answer === 'back') {
      index = asked.pop() ?? index;
      continue;
    }
    asked.push(index);
    draft = { ...draft, ...answer.value };
    index++;
  }
  return draft;
}
