import { BenchmarkCard } from './dashboard/BenchmarkCard';
import { HardwareCard } from './dashboard/HardwareCard';
import { JobFeed } from './dashboard/JobFeed';
import { ProvideSwitch } from './dashboard/ProvideSwitch';
import { StatusCard } from './dashboard/StatusCard';
import { ValidatorCard } from './validate/ValidatorCard';
import './Dashboard.css';

/** The first page: the big switch, then where the node stands, what the machine is, how fast it is, what it runs. */
export function Dashboard() {
  return (
    <div className="stack">
      <ProvideSwitch />
      <div className="grid">
        <StatusCard />
        <JobFeed />
        <ValidatorCard />
        <BenchmarkCard />
        <HardwareCard />
      </div>
    </div>
  );
}
