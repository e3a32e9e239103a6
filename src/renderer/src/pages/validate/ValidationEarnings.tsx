import { AmountCell } from '../../components/Amount';
import { Card } from '../../components/feedback';
import { useLive } from '../../lib/api';
import { href } from '../../lib/routes';
import { standingText, tokenOf } from '../../lib/validator';

/**
 * What validating earned and lost per economy, beside the provider earnings on the Earnings page. Shown once the
 * wallet has (or had) a validator bond somewhere.
 */
export function ValidationEarnings() {
  const { data: v } = useLive('validator.get', {}, 'validator.changed');
  if (!v || v.economies.length === 0) return null;
  return (
    <Card title="Validation">
      <p className="muted small">
        Vote rewards and challengers’ shares are credited to the same claimable balance as provider earnings
        and withdrawn with it. Losses are taken from the validator bond. Checks and votes are on the{' '}
        <a href={href('validate')}>Validate</a> page.
      </p>
      <div className="table-scroll">
        <table className="table" data-testid="validation-earnings">
          <caption className="sr-only">Validation earnings per economy</caption>
          <thead>
            <tr>
              <th scope="col">Economy</th>
              <th scope="col">Standing</th>
              <th scope="col" className="num">
                Validator bond
              </th>
              <th scope="col" className="num">
                Locked
              </th>
              <th scope="col" className="num">
                Earned
              </th>
              <th scope="col" className="num">
                Lost
              </th>
            </tr>
          </thead>
          <tbody>
            {v.economies.map((e) => (
              <tr key={e.economy}>
                <th scope="row">{e.name}</th>
                <td>{standingText[e.standing]}</td>
                <AmountCell value={e.bond} token={tokenOf(e)} />
                <AmountCell value={e.locked} token={tokenOf(e)} />
                <AmountCell value={e.earned} token={tokenOf(e)} />
                <AmountCell value={e.lost} token={tokenOf(e)} loss />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
