import { runFixtures } from './harness.js';

runFixtures('console-exposed');
