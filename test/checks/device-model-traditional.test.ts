import { runFixtures } from './harness.js';

runFixtures('device-model-traditional');
