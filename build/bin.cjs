#!/usr/bin/env node
'use strict';
// The installed bin (dist/bin/xenlint.cjs, built from this by build/bundle.mjs): runs the
// command-line entry, dist/bin/entry.cjs, through build/load-bundle.cjs, from the V8 code cache
// the build made for it. Node's own loader compiles whatever file it is given from source, and
// the entry (the command line, fast-argv, the error and output handling: 8 KB) cost a one-file
// lint ~2.7 M instructions that way (issue 14); this file is all Node compiles now.
require('./load-bundle.cjs')('entry.cjs');
