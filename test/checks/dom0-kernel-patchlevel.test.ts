import { runFixtures } from './fixtures.js';

runFixtures('dom0-kernel-patchlevel');
