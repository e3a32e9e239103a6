import type { ApiHandlers } from '#shared/api';
import type { ValidatorService } from './validatorService';

type ValidatorCalls =
  | 'validator.get'
  | 'validator.start'
  | 'validator.stop'
  | 'validator.configure'
  | 'validator.join'
  | 'validator.addBond'
  | 'validator.exit'
  | 'validator.withdrawBond'
  | 'validator.risk';

/** The validator's calls, for the node's dispatcher. */
export function validatorHandlers(v: ValidatorService): Pick<ApiHandlers, ValidatorCalls> {
  return {
    'validator.get': () => v.state(),
    'validator.start': () => v.start(),
    'validator.stop': () => v.stop(),
    'validator.configure': (patch) => v.configure(patch),
    'validator.join': ({ economy, bond }) => v.join(economy, BigInt(bond)),
    'validator.addBond': ({ economy, amount }) => v.addBond(economy, BigInt(amount)),
    'validator.exit': ({ economy }) => v.exit(economy),
    'validator.withdrawBond': ({ economy }) => v.withdrawBond(economy),
    'validator.risk': ({ economy, bond }) => v.risk(economy, bond === undefined ? undefined : BigInt(bond)),
  };
}
