import type { ReadinessRule } from '../types.js';
import { conditions, conditionText, defineRule, findCondition, generationLag, progressing, ready } from '../util.js';

/**
 * cert-manager Certificates, Issuers and ClusterIssuers report a Ready condition. Without it a
 * webhook certificate (KServe's) may not be issued yet, so "no status" means waiting, not ready.
 */
function certManagerRule(kind: string, what: string): ReadinessRule {
  return defineRule({
    group: 'cert-manager.io',
    kind,
    judge(obj) {
      const lag = generationLag(obj);
      if (lag) return progressing(lag);
      const readyCond = findCondition(conditions(obj), 'Ready');
      if (readyCond?.status === 'True') return ready(`${what} is ready`);
      // False is usually transient (issuing, waiting for the issuer): keep waiting, show why.
      return progressing(readyCond ? conditionText(readyCond) : `waiting for cert-manager to report ${what} Ready (is cert-manager running?)`);
    },
  });
}

export const certificateRule = certManagerRule('Certificate', 'the certificate');
export const issuerRule = certManagerRule('Issuer', 'the issuer');
export const clusterIssuerRule = certManagerRule('ClusterIssuer', 'the cluster issuer');
