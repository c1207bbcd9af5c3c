#!/usr/bin/env node
import { main } from './cli/main.js';

// Exit explicitly: Dawn keeps the event loop alive while a device exists.
main(process.argv.slice(2)).then((code) => process.exit(code));
