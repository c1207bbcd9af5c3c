/**
 * Node entry of @bamgpu/bert: everything from the main entry, plus local
 * folders. Importing it lets `fromPretrained(dir)` and `save(dir)` take
 * paths; the main entry stays free of Node built-ins so it bundles for
 * browsers (where folders are passed as `fetchFolder(url)` or `memoryFolder()`).
 */
import { setPathFolderOpener } from './checkpoint/folder-io.js';
import { nodeFolder } from './checkpoint/node-folder.js';
import { nodeTextFiles } from './tokenizer/node-files.js';
import { setTextFileAccess } from './tokenizer/text-files.js';

setPathFolderOpener(nodeFolder);
setTextFileAccess(nodeTextFiles);

export { nodeFolder };
export * from './index.js';
