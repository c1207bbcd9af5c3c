// Node-only GLUE helpers: thin file-system wrappers around the pure pieces in ./index.ts.
export { glueSplitPath, readGlueSplit } from './read-split.js';
export { writeSubmission } from './write-submission.js';
