import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-multicontainer',
  description: 'cdk8s constructs for multi-container Pods: shared volumes, shared IPC, localhost sidecars',
  author: 'cdk8s-multicontainer maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://example.com/cdk8s-multicontainer.git',
  keywords: ['cdk8s', 'kubernetes', 'pod', 'sidecar', 'multi-container', 'emptyDir', 'ipc'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // No GitHub here: the generated workflows would be dead weight.
  github: false,

  // cdk8s 2.68.11 was never published; 2.68.12 is the floor cdk8s-plus-27 2.9.5 accepts.
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],

  // typescript 7 is not supported by ts-jest; ~6.0 also needs an explicit @types/node.
  typescriptVersion: '~6.0.0',
  jsiiVersion: '~6.0.0',
  devDeps: [
    '@types/node@^20',
    'cdk8s-cli@^2.207.60',
    'tsx@^4.23.0',
    'fast-check@^4.10.0',
    'kubernetes-models@^5.1.0',
    'yaml@^2.8.0',
  ],

  // jsii targets, so that `jsii-pacmak --code-only` proves the API works in every jsii language.
  publishToPypi: { distName: 'cdk8s-multicontainer', module: 'cdk8s_multicontainer' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_multicontainer',
    mavenGroupId: 'io.github.cdk8s-multicontainer',
    mavenArtifactId: 'cdk8s-multicontainer',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sMulticontainer', packageId: 'Cdk8sMulticontainer' },
  publishToGo: { moduleName: 'example.com/cdk8s-multicontainer-go' },

  jestOptions: {
    // Snapshots must be able to fail: refresh them on purpose with `npx projen test:update`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
    },
  },
  tsconfigDev: {
    // test/tsconfig.json: paths are relative to test/.
    include: ['../examples/**/*.ts', '../bench/**/*.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
  },
  gitignore: ['/examples/dist/', '/.e2e/', '/bench/results/'],
});

// Some platform builds are missing from this registry; npm then leaves them out of the lockfile
// and `npm ci` fails. Pinning the resolver keeps the lockfile installable everywhere.
// docs/ ships in the package: the README links to it, and npm and Construct Hub show the README from the package.
for (const pattern of ['/examples/', '/bench/', '/cdk8s.yaml', '/.ci/']) {
  project.addPackageIgnore(pattern);
}

project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Type-check tests and examples (ts-jest runs with isolatedModules and tsx, used by cdk8s.yaml, do not).
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

// eslint's project service looks for the nearest tsconfig.json: give examples/ one.
new JsonFile(project, 'examples/tsconfig.json', {
  obj: { extends: '../tsconfig.json', compilerOptions: { rootDir: '..', noEmit: true }, include: ['**/*.ts'] },
});

project.addTask('synth', {
  description: 'Synthesize every example to examples/dist with the cdk8s CLI',
  exec: 'cdk8s synth --no-check-upgrade',
});

project.addTask('test:e2e', {
  description: 'Run every example Pod in podman and check the containers communicate (needs root and podman)',
  exec: 'bash test/e2e/run.sh',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Synth cost of the pattern Pods against hand-built cdk8s-plus Pods',
  exec: 'node bench/run.mjs',
  receiveArgs: true,
});

project.synth();
