// The snapshot the controller publishes and the views render. The types live in core/presentation so the pure
// renderers there (rows, headline, status text) can be tested without VS Code; this module is the extension's
// name for them.
export type {
  ChainSnapshot, CompletedCheck, EvaluationFailure, FailedSnapshot, FolderScope, IdleSnapshot, InterpreterChoice,
  ProbingSnapshot, PythonFacts, ReadySnapshot, SnapshotScope,
} from '../core/presentation/snapshot';
