// The project's jest configuration, for the OpenVPN interoperability tests in test/openvpn/ only.
// They start real openvpn processes: run them with `jest --config test/openvpn/jest.config.js`.
const path = require('path');
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/test/openvpn/**/*.test.ts'],
  // The project's testPathIgnorePatterns may exclude test/openvpn/ from the main suite: not here.
  testPathIgnorePatterns: ['/node_modules/'],
  reporters: ['default'],
  collectCoverage: false,
  testTimeout: 30_000,
};
