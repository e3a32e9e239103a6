// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A job's state (the app shows these names; the README's "A job's life", under Contracts, walks through them).
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

/// @notice How a model's results are judged: registered with the model, inherited by forks, applied off-chain by
/// every validator that re-runs a job (src/main/verification/policy.ts). The chain only records it and decides, by vote,
/// who was right.
/// rule 0 `exact`: the output's content hash must match the re-run's.
/// rule 1 `tolerance`: every output tensor matches the re-run's within maxAbsErrorE9 (absolute) or maxRelErrorE9
/// (relative), both in units of 1e-9, element by element.
/// rule 2 `argmax`: the argmax over each output row (last axis) agrees with the re-run's on at least minAgreementBps
/// of the rows (classifiers, CTC decoders).
/// rule 3 `logprob`: language models; the claimed tokens are re-scored and each claimed logprob must be within
/// maxAbsErrorE9 of the re-scored one, and the tokens sampled must be among the re-run's top candidates.
struct VerificationPolicy {
    uint8 rule;
    uint32 maxAbsErrorE9;
    uint32 maxRelErrorE9;
    uint16 minAgreementBps;
}

/// @notice A provider as the app shows it (Membership in src/shared/api/economies.ts).
struct ProviderView {
    uint32 id;
    ProviderStatus status;
    address account;
    uint256 bond;
    uint256 locked;
    uint256 free;
    uint8 kinds;
    uint8 capacity;
    uint8 activeJobs;
    uint8 strikes;
    /// Unix seconds; 0 unless Exiting.
    uint256 unbondingEndsAt;
    /// Unix seconds; 0 unless Jailed.
    uint256 jailedUntil;
    /// While Active: the last block in which its chance of being drawn went up (draws seeded before it skip it).
    /// Otherwise: the block it left the draw in.
    uint256 lastIncreaseBlock;
    /// Chance of being drawn, relative: free bond in milli-tokens while Active, at or above minBond and with a free
    /// slot, else 0.
    uint256 weight;
    /// Its leaf in the draw tree of each kind it serves (bond in milli-tokens while drawable; a provider that left
    /// keeps its leaf until a draw lands on it, so that leaving after seeing a draw's seed cannot re-roll that draw).
    uint256 treeWeight;
    /// Bond that earns emission now (its bond while Active and at or above minBond, else 0).
    uint256 stake;
    /// Assignments in a row it let pass without accepting (paused at 3).
    uint8 noShows;
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
    uint8 declines;
    /// Assigned: whether the provider accepted it (only an accepted job times out with a slash).
    bool accepted;
    /// Posted: the block whose hash seeds the next draw (0 otherwise).
    uint256 drawBlock;
    /// Assigned: when it was assigned, the end of the accept window and the deadline (0 otherwise).
    uint256 assignedAt;
    uint256 acceptWindowEndsAt;
    uint256 deadline;
    /// Submitted and later: when the result came in, and the end of its challenge window (0 otherwise).
    uint256 submittedAt;
    uint256 challengeWindowEndsAt;
    /// Priced per token: the price of a token and the most it may produce (both 0 for a flat fee, which is then
    /// `fee`; else `fee` is the whole escrow), and the tokens its result claims (0 until submitted).
    uint256 pricePerToken;
    uint32 maxTokens;
    uint32 tokens;
}

/// @notice A challenge and its vote. Weights are validator stake at the block before the challenge opened; the
/// challenger's own weight is its challenge bond (what it risks).
struct ChallengeView {
    address challenger;
    /// Block of the challenger's commitment: an earlier commitment revealed before the challenge window ends takes
    /// the challenge over.
    uint256 commitBlock;
    uint256 openedBlock;
    uint256 voteEndsAt;
    uint8 extensions;
    uint256 validWeight;
    uint256 invalidWeight;
    /// Weight (both sides together) needed for the vote to count.
    uint256 quorum;
    bool resolved;
    bool quorumMet;
    bool resultValid;
    /// Paid to the voters on the winning side, pro rata to weight, as each vote is settled.
    uint256 voterPot;
    uint256 winningVoterWeight;
}

/// @notice One validator's vote in a challenge.
struct VoteView {
    bool cast;
    bool resultValid;
    bool settled;
    uint256 weight;
    /// What the vote puts at risk: slashed at settlement if it went against the outcome (nothing is locked).
    uint256 atRisk;
}

struct ValidatorView {
    ValidatorStatus status;
    uint256 bond;
    /// Challenge bonds held by open commitments and challenges.
    uint256 locked;
    /// Votes cast and not yet settled.
    uint256 openVotes;
    uint256 unbondingEndsAt;
    /// Vote weight it would bring to a challenge opened in the next block.
    uint256 stake;
    /// Block of the latest change to its vote weight (bonding, a top-up, a slash, the exit); 0 if it never bonded.
    /// Every registration and every exit moves it, so it tells one bonding from the next.
    uint256 stakeBlock;
}

/// @notice Where an account's tokens stand in this economy's rewards.
struct AccountView {
    /// Withdrawable now by `withdraw` (emission already settled included).
    uint256 claimable;
    /// Emission accrued to its provider bond and not yet settled: `claimEmission` moves it into `claimable`.
    uint256 pendingEmission;
}

/// @notice Live counts and balances (EconomyStats in src/shared/api/economies.ts; the 24 h figures come from events).
struct StatsView {
    uint256 providerCount;
    uint256 activeProviders;
    uint256 jobCount;
    uint256 totalBonded;
    uint256 treasury;
    /// Emission credited to providers so far (every credited token is minted when credited).
    uint256 emitted;
    uint256 currentEpoch;
    uint256 currentEmission;
    /// Sum of the bonds that earn emission now (Active providers at or above minBond).
    uint256 activeStake;
    /// Sum of the draw weights of each kind (inference, fine-tune).
    uint256 inferenceWeight;
    uint256 fineTuneWeight;
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

/// @notice A model as seen from an economy: registered here or inherited from an ancestor, with its verification
/// policy.
struct ModelView {
    bool found;
    uint8 kind;
    address registeredIn;
    uint64 registeredBlock;
    string uri;
    VerificationPolicy policy;
}
