import { Card } from '../../components/feedback';
import { useLive } from '../../lib/api';
import { href } from '../../lib/routes';
import { perToken } from '../../lib/validator';

/**
 * The validator at a glance on the Dashboard: in how many economies, checks in the last hour, what it earned.
 * Shown once the node validates or has a validator bond; the Validate page says the rest (and any error).
 */
export function ValidatorCard() {
  const { data: v } = useLive('validator.get', {}, 'validator.changed');
  if (!v || (!v.on && v.economies.length === 0)) return null;
  const active = v.economies.filter((e) => e.standing === 'active').length;
  const lost = perToken(v.economies, (e) => e.lost);
  return (
    <Card title="Validation">
      <p data-testid="validator-summary">
        <strong>
          {v.status === 'validating' ? 'Validating' : v.status === 'waiting' ? 'Waiting' : 'Off'}
        </strong>
        {v.status === 'waiting' && v.reason ? `: ${v.reason}` : ''} · in {active}{' '}
        {active === 1 ? 'economy' : 'economies'} · {v.stats.checkedLastHour} checks in the last hour · earned{' '}
        {perToken(v.economies, (e) => e.earned)}
        {lost !== '0' && <span className="text-error"> · lost {lost}</span>}
      </p>
      <p className="muted small">
        {v.stats.valid} agreed, {v.stats.invalid} disagreed, {v.stats.challenges} challenged, {v.stats.votes}{' '}
        voted. <a href={href('validate')}>Validate page</a>
      </p>
    </Card>
  );
}
