import { runFixtures } from './fixtures.js';

runFixtures('hvm-disk-limit');
