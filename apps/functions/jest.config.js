import { createJestConfig } from '../../jest.preset.js';

export default createJestConfig();
