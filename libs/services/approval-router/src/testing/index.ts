export { decidedAction, DECIDED_DIRECTORY, type DecidedAction } from './decided-actions.ts';
