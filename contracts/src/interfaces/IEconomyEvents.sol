// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IEconomyEvents
/// @notice Everything an economy emits and every way it refuses, shared by {Economy}, {EconomyModule}, {EconomyViews}
/// and clients.
/// Events carry the contents the contract does not keep in storage (hashes and URIs of models, inputs and outputs).
interface IEconomyEvents {
    // ─── providers ─────────────────────────────────────────────────────────────────────────────────────────────
    event ProviderRegistered(address indexed provider, uint32 id, uint256 bond, uint8 kinds, uint8 capacity);
    event BondAdded(address indexed provider, uint256 amount, uint256 bond);
    event ProfileUpdated(address indexed provider, uint8 kinds, uint8 capacity);
    event ProviderPaused(address indexed provider);
    event ProviderResumed(address indexed provider);
    event ExitRequested(address indexed provider, uint256 unbondingEndsAt);
    event BondWithdrawn(address indexed provider, address to, uint256 amount);
    event Strike(address indexed provider, uint256 indexed jobId, uint8 strikes);
    event ProviderJailed(address indexed provider, uint256 jailedUntil);
    event ProviderUnjailed(address indexed provider);
    /// @notice Collateral taken from a provider's bond: `toRequester` + `toTreasury` + `toWinner` + `toVoters` +
    /// `burned` = `amount`.
    event ProviderSlashed(
        address indexed provider,
        uint256 indexed jobId,
        uint256 amount,
        uint256 toRequester,
        uint256 toTreasury,
        uint256 toWinner,
        uint256 toVoters,
        uint256 burned
    );

    // ─── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────
    event JobPosted(
        uint256 indexed jobId,
        address indexed requester,
        bytes32 indexed modelHash,
        uint8 kind,
        bytes32 inputHash,
        string inputURI,
        uint256 fee,
        uint32 deadlineS
    );
    event JobAssigned(uint256 indexed jobId, address indexed provider, uint256 collateral, uint256 deadline);
    event JobDeclined(uint256 indexed jobId, address indexed provider, uint8 reason);
    /// @notice The provider accepted the job: a missed deadline is slashed from now on.
    event JobAccepted(uint256 indexed jobId, address indexed provider);
    /// @notice The job was neither accepted nor answered inside its accept window: re-drawn without a slash;
    /// `noShows` in a row so far (the provider is paused at 3).
    event JobNoShow(uint256 indexed jobId, address indexed provider, uint8 noShows);
    /// @notice No provider could be kept in this block's draw (or the one drawn had left the draw after its seed was
    /// known): the job stays Posted and the next draw is seeded by block `nextDrawBlock`.
    event DrawMissed(uint256 indexed jobId, uint256 nextDrawBlock);
    event ResultSubmitted(uint256 indexed jobId, address indexed provider, bytes32 outputHash, string outputURI);
    event JobTimedOut(uint256 indexed jobId, address indexed provider, uint256 deadline);
    event JobFinalized(uint256 indexed jobId, address indexed provider, uint256 payout, uint256 protocolFee);
    event JobRejected(uint256 indexed jobId, address indexed provider);
    event JobRefunded(uint256 indexed jobId, address indexed requester, uint256 amount);
    /// @notice A job priced per token: `pricePerToken` for each token produced, at most `maxTokens` (the fee in
    /// {JobPosted} is the whole escrow, base + pricePerToken × maxTokens).
    event JobPricedPerToken(uint256 indexed jobId, uint256 pricePerToken, uint32 maxTokens);
    /// @notice A job priced per token finalized: paid for `tokens`, the tokens not produced (`refund`) credited back
    /// to the requester ({JobFinalized} follows with the provider's payout).
    event JobTokensPaid(uint256 indexed jobId, uint32 tokens, uint256 refund);

    // ─── verification ──────────────────────────────────────────────────────────────────────────────────────────
    event ValidatorRegistered(address indexed validator, uint256 bond);
    event ValidatorBondAdded(address indexed validator, uint256 amount, uint256 bond);
    event ValidatorExitRequested(address indexed validator, uint256 unbondingEndsAt);
    event ValidatorBondWithdrawn(address indexed validator, address to, uint256 amount);
    /// @notice A challenger's bond taken: `toWinner` (the provider) + `toVoters` + `burned` = `amount`.
    event ValidatorSlashed(
        address indexed validator,
        uint256 indexed jobId,
        uint256 amount,
        uint256 toWinner,
        uint256 toVoters,
        uint256 burned
    );
    /// @notice A commitment recorded, locking `challengeBond` of the validator's bond.
    event ChallengeCommitted(address indexed validator, bytes32 commitment);
    /// @notice A commitment never revealed, released by its validator; `forfeited` went to the treasury.
    event CommitmentReleased(address indexed validator, bytes32 commitment, uint256 forfeited);
    /// @notice `evidenceURI` points at the challenger's evidence: the policy applied and the figures compared.
    event ChallengeOpened(
        uint256 indexed jobId,
        address indexed challenger,
        address indexed provider,
        uint256 voteEndsAt,
        uint256 quorum,
        string evidenceURI
    );
    /// @notice A commitment older than the current challenger's was revealed: it takes the challenge over.
    event ChallengerReplaced(uint256 indexed jobId, address indexed previous, address indexed challenger, string evidenceURI);
    event VoteCast(uint256 indexed jobId, address indexed validator, bool resultValid, uint256 weight);
    event VoteExtended(uint256 indexed jobId, uint256 voteEndsAt);
    event ChallengeResolved(
        uint256 indexed jobId,
        bool resultValid,
        bool quorumMet,
        uint256 validWeight,
        uint256 invalidWeight
    );
    /// @notice A voter's part settled: `reward` credited (it voted with the outcome) or `slashed` from its bond.
    event VoteSettled(uint256 indexed jobId, address indexed validator, uint256 reward, uint256 slashed);

    // ─── rewards, treasury, models, fork allocation, admin ───────────────────────────────────────────────────────
    /// @notice Emission accrued to a provider's bond, credited to its claimable balance (minted now).
    event EmissionCredited(address indexed provider, uint256 indexed epoch, uint256 amount);
    /// @notice Emission accrued since the provider's last settlement, given up by a missed deadline or a rejected result.
    event EmissionForfeited(address indexed provider, uint256 amount);
    event Withdrawn(address indexed account, address to, uint256 amount);
    event TreasuryWithdrawn(address indexed to, uint256 amount);
    event ModelRegistered(
        bytes32 indexed modelHash,
        uint8 kind,
        string uri,
        uint8 rule,
        uint32 maxAbsErrorE9,
        uint32 maxRelErrorE9,
        uint16 minAgreementBps
    );
    event AllocationClaimed(address indexed account, uint256 amount);
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);

    // ─── errors ────────────────────────────────────────────────────────────────────────────────────────────────
    /// @notice Called on an implementation or a contract that is not an economy clone.
    error NotAnEconomy();
    error ZeroAddress();
    error ZeroAmount();
    error TransferFailed();
    error AmountTooLarge(uint256 amount, uint256 max);
    error NotAdmin(address caller);

    error BondTooLow(uint256 have, uint256 need);
    error InvalidKinds(uint8 kinds);
    error InvalidCapacity(uint8 capacity);
    error WrongProviderStatus(address provider, uint8 status);
    error StillUnbonding(uint256 until);
    error StillJailed(uint256 until);
    error CollateralLocked(uint256 locked);

    error InvalidKind(uint8 kind);
    error FeeTooLow(uint256 fee, uint256 min);
    error InvalidPolicy(uint8 rule);
    error UnknownModel(bytes32 modelHash);
    error ModelKindMismatch(bytes32 modelHash, uint8 modelKind, uint8 jobKind);
    error ModelAlreadyRegistered(bytes32 modelHash);
    error DeadlineOutOfRange(uint256 deadlineS, uint256 min, uint256 max);
    error WrongJobStatus(uint256 jobId, uint8 status);
    error DrawNotReady(uint256 jobId, uint256 drawBlock);
    error NotJobProvider(uint256 jobId, address caller);
    error NotRequester(uint256 jobId, address caller);
    error AcceptWindowClosed(uint256 jobId, uint256 closedAt);
    error DeadlinePassed(uint256 jobId, uint256 deadline);
    error DeadlineNotReached(uint256 jobId, uint256 deadline);
    error InvalidDeclineReason(uint8 reason);
    error InvalidOutputHash();
    error TooManyTokens(uint256 jobId, uint256 tokens, uint256 maxTokens);
    error CancelTooEarly(uint256 jobId, uint256 fromBlock);
    error ChallengeWindowOpen(uint256 jobId, uint256 endsAt);
    error ChallengeWindowClosed(uint256 jobId, uint256 endedAt);

    error WrongValidatorStatus(address validator, uint8 status);
    error UnknownCommitment(bytes32 commitment);
    error CommitmentExists(bytes32 commitment);
    error CommitmentTooFresh(bytes32 commitment);
    /// @notice The commitment was made before the result it would challenge was submitted.
    error CommitmentBeforeResult(bytes32 commitment);
    error CommitmentNotExpired(bytes32 commitment, uint256 releasableAt);
    /// @notice A commitment at least as old as this one already holds the challenge.
    error ChallengeTaken(uint256 jobId, uint256 commitBlock);
    error SelfChallenge(uint256 jobId);
    error AlreadyVoted(uint256 jobId, address validator);
    error VoteClosed(uint256 jobId, uint256 endedAt);
    error VoteOpen(uint256 jobId, uint256 endsAt);
    /// @notice The validator had no stake at the block before the challenge opened.
    error NoVoteWeight(uint256 jobId, address validator);
    /// @notice The job's provider or requester may not vote on it.
    error ConflictOfInterest(uint256 jobId, address validator);
    error NotResolved(uint256 jobId);
    error NothingToSettle(uint256 jobId, address validator);

    error NothingToWithdraw();
    error TreasuryTooSmall(uint256 have, uint256 want);
    error NoAllocation();
    error AlreadyClaimed(address account);
    error InvalidProof();
}
