// The localhost sidecar pattern, applied to any cdk8s-plus pod.
import * as kplus from 'cdk8s-plus-27';
import { addContainer } from './_containers';
import { show, violation, Violation } from './_pod-rules';
import { LocalhostSidecarPodProps } from './localhost-sidecar-pod';

export interface AppliedLocalhostSidecars {
  readonly main: kplus.Container;
  readonly sidecars: kplus.Container[];
  readonly port?: number;
  readonly violations: () => Violation[];
}

/**
 * Adds the main container (first) and the sidecars to `pod`, telling the sidecars where the
 * main container listens. Never throws on bad input: `violations` reports it at synth time.
 */
export function applyLocalhostSidecars(pod: kplus.AbstractPod, props: LocalhostSidecarPodProps): AppliedLocalhostSidecars {
  const found: Violation[] = [];
  const addedMain = addContainer(pod, (props.main.name !== undefined ? props.main : { ...props.main, name: 'main' }), 'main');
  found.push(...addedMain.violations);
  const main = addedMain.container;
  const port = main.ports[0]?.number;
  const address: Record<string, string> = port === undefined || props.exposeMainAddress === false ? {} : {
    MAIN_HOST: 'localhost',
    MAIN_PORT: String(port),
    MAIN_URL: `http://localhost:${port}`,
  };
  const sidecars = props.sidecars.map((sidecar, i) => {
    const added = addContainer(pod, {
      ...sidecar,
      name: sidecar.name ?? `sidecar-${i}`,
      // The sidecar's own variables win over the injected ones.
      envVariables: { ...mapValues(address, kplus.EnvValue.fromValue), ...sidecar.envVariables },
    }, `sidecars[${i}]`);
    found.push(...added.violations);
    return added.container;
  });

  if (port === undefined) {
    found.push(violation('localhost-main-port', 'main.ports',
      `the main container ${show(main.name)} declares no port, so sidecars have no localhost address to reach it on`,
      'set main.portNumber (or main.ports) to the port it listens on'));
  }
  return { main, sidecars, port, violations: () => found };
}

function mapValues<T>(record: Record<string, string>, f: (value: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
