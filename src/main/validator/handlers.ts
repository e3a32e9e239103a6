import type { ApiHandlers } from '../../shared/api';
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
    'validator.join': ({ economyId, bond }) => v.join(economyId, BigInt(bond)),
    'validator.addBond': ({ economyId, amount }) => v.addBond(economyId, BigInt(amount)),
    'validator.exit': ({ economyId }) => v.exit(economyId),
    'validator.withdrawBond': ({ economyId }) => v.withdrawBond(economyId),
    'validator.risk': ({ economyId, bond }) =>
      v.risk(economyId, bond === undefined ? undefined : BigInt(bond)),
  };
}
