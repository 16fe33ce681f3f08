// The localhost sidecar pattern, applied to any cdk8s-plus pod.
import * as kplus from 'cdk8s-plus-27';
import { addContainer, withOverrides } from './_containers';
import { NO_VIOLATIONS, show, violation, Violation } from './_pod-rules';
import { LocalhostSidecarPodProps } from './localhost-sidecar-pod';

export interface AppliedLocalhostSidecars {
  readonly main: kplus.Container;
  readonly sidecars: kplus.Container[];
  readonly port?: number;
  readonly violations: ReadonlyArray<Violation>;
}

/**
 * Adds the main container (first) and the sidecars to `pod`, telling the sidecars where the
 * main container listens. Never throws on bad input: `violations` reports it at synth time.
 */
export function applyLocalhostSidecars(pod: kplus.AbstractPod, props: LocalhostSidecarPodProps): AppliedLocalhostSidecars {
  const found: Violation[] = [];
  const main = addContainer(pod, (props.main.name !== undefined ? props.main : withOverrides(props.main, { name: 'main' })), found, 'main');
  const port = main.ports[0]?.number;
  const address = port === undefined || props.exposeMainAddress === false ? NO_ENV : addressEnv(port);
  const sidecars = props.sidecars.map((sidecar, i) => addContainer(pod, withOverrides(sidecar, {
    name: sidecar.name ?? `sidecar-${i}`,
    // The sidecar's own variables win over the injected ones.
    envVariables: Object.assign({}, address, sidecar.envVariables),
  }), found, 'sidecars', i));

  if (port === undefined) {
    found.push(violation('localhost-main-port', 'main.ports',
      `the main container ${show(main.name)} declares no port, so sidecars have no localhost address to reach it on`,
      'set main.portNumber (or main.ports) to the port it listens on'));
  }
  return { main, sidecars, port, violations: found.length ? found : NO_VIOLATIONS };
}

const NO_ENV: Readonly<Record<string, kplus.EnvValue>> = Object.freeze({});

/** The MAIN_* variables by port. EnvValues are immutable, so Pods on the same port share them. */
const ADDRESS_ENV = new Map<number, Readonly<Record<string, kplus.EnvValue>>>();

function addressEnv(port: number): Readonly<Record<string, kplus.EnvValue>> {
  let env = ADDRESS_ENV.get(port);
  if (env === undefined) {
    if (ADDRESS_ENV.size >= 1000) ADDRESS_ENV.clear();
    env = Object.freeze({
      MAIN_HOST: kplus.EnvValue.fromValue('localhost'),
      MAIN_PORT: kplus.EnvValue.fromValue(String(port)),
      MAIN_URL: kplus.EnvValue.fromValue(`http://localhost:${port}`),
    });
    ADDRESS_ENV.set(port, env);
  }
  return env;
}
