import { runFixtures } from './fixtures.js';

runFixtures('device-model-traditional');
