import { economyParamKinds, type EconomyParamName } from '#shared/api/economies';

/** Field order of `Params` (as `economyParamKinds` lists them): bit i of a fork's override mask is field i. */
export const paramFields: readonly EconomyParamName[] = Object.keys(economyParamKinds) as EconomyParamName[];

/** Whether a parameter's value is a token amount (base units; bigint in the node) rather than a whole number. */
export function isAmountParam(name: EconomyParamName): boolean {
  return economyParamKinds[name] === 'amount';
}
