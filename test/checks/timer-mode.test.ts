import { runFixtures } from './fixtures.js';

runFixtures('timer-mode');
