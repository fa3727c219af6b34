// The project's jest configuration, with aws-cdk-lib and constructs taken from .cdk-latest/.
const path = require('path');
const base = require('../../package.json').jest;

const root = path.resolve(__dirname, '../..');
const latest = path.join(root, '.cdk-latest', 'node_modules');

module.exports = {
  ...base,
  rootDir: root,
  reporters: ['default'],
  moduleNameMapper: {
    '^aws-cdk-lib$': path.join(latest, 'aws-cdk-lib'),
    '^aws-cdk-lib/(.*)$': path.join(latest, 'aws-cdk-lib', '$1'),
    '^constructs$': path.join(latest, 'constructs'),
  },
};
