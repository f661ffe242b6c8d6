import { runFixtures } from './fixtures.js';

runFixtures('netloop-missing');
