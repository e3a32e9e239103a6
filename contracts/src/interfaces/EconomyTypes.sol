// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A job's state, named as in DESIGN.md's picture (the app shows these names).
enum JobStatus {
    None,
    Posted,
    Assigned,
    Submitted,
    Voting,
    Finalized,
    Rejected,
    Refunded
}

/// @notice A provider's standing; only Active providers carry weight in the draw.
enum ProviderStatus {
    None,
    Active,
    Paused,
    Exiting,
    Exited,
    Jailed
}

/// @notice A validator's standing; only Active validators challenge and vote.
enum ValidatorStatus {
    None,
    Active,
    Exiting,
    Exited
}

/// @notice A provider as the app shows it (Membership in src/shared/api/economies.ts).
struct ProviderView {
    uint32 id;
    ProviderStatus status;
    address account;
    uint256 bond;
    uint256 locked;
    uint256 free;
    uint24 score;
    uint8 kinds;
    uint8 capacity;
    uint8 activeJobs;
    uint8 strikes;
    /// Unix seconds; 0 unless Exiting.
    uint256 unbondingEndsAt;
    /// Unix seconds; 0 unless Jailed.
    uint256 jailedUntil;
    uint256 lastIncreaseBlock;
    /// Chance of being drawn, relative: free bond (milli-tokens) × score while drawable with a free slot, else 0.
    uint256 weight;
    /// Weight held in the draw tree: bond (milli-tokens) × score while Active (each draw is thinned by free / bond).
    uint256 treeWeight;
}

/// @notice A job's on-chain state (its model, input and output hashes and URIs are in its events).
struct JobView {
    JobStatus status;
    uint8 kind;
    address requester;
    /// address(0) unless Assigned or later.
    address provider;
    uint256 fee;
    /// SLA collateral the provider locks for this job.
    uint256 collateral;
    uint32 deadlineS;
    uint24 minScore;
    uint8 declines;
    /// Posted: the block whose hash seeds the next draw (0 otherwise).
    uint256 drawBlock;
    /// Assigned: when it was assigned, the end of the accept window and the deadline (0 otherwise).
    uint256 assignedAt;
    uint256 acceptWindowEndsAt;
    uint256 deadline;
    /// Submitted and later: when the result came in, and the end of its challenge window (0 otherwise).
    uint256 submittedAt;
    uint256 challengeWindowEndsAt;
}

struct ChallengeView {
    address challenger;
    uint256 voteEndsAt;
    uint8 extensions;
    uint256 validWeight;
    uint256 invalidWeight;
}

struct ValidatorView {
    ValidatorStatus status;
    uint256 bond;
    uint256 locked;
    uint256 unbondingEndsAt;
}

/// @notice Where an account's tokens stand in this economy's rewards.
struct AccountView {
    /// Withdrawable now, including the emission share of a closed epoch not yet settled.
    uint256 claimable;
    /// The epoch this account last had finalized work in, and that work (fees).
    uint256 workEpoch;
    uint256 epochWork;
    /// Part of `claimable` that is an emission share not yet settled into storage.
    uint256 pendingEmission;
}

/// @notice Live counts and balances (EconomyStats in src/shared/api/economies.ts; the 24 h figures come from events).
struct StatsView {
    uint256 providerCount;
    uint256 activeProviders;
    uint256 jobCount;
    uint256 totalBonded;
    uint256 treasury;
    uint256 unpaidEmissions;
    uint256 currentEpoch;
    uint256 currentEpochWork;
    uint256 currentEmission;
    uint256 totalWeight;
    uint256 activeValidators;
    uint256 validatorStake;
}

/// @notice Where this economy sits in the lineage (immutable).
struct LineageView {
    address token;
    address parent;
    uint256 createdAt;
    uint256 forkBlock;
    uint256 snapshotBlock;
    bytes32 allocationRoot;
}

/// @notice A model as seen from an economy: registered here or inherited from an ancestor.
struct ModelView {
    bool found;
    uint8 kind;
    address registeredIn;
    uint64 registeredBlock;
    string uri;
}
