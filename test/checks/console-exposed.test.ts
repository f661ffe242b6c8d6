import { runFixtures } from './fixtures.js';

runFixtures('console-exposed');
