import { runFixtures } from './harness.js';

runFixtures('duplicate-guest');
