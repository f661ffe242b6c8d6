import { runFixtures } from './fixtures.js';

runFixtures('xl-autoballoon');
