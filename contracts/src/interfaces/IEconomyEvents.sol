// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IEconomyEvents
/// @notice Everything an economy emits and every way it refuses, shared by {Economy}, {EconomyModule} and clients.
/// Events carry the contents the contract does not keep in storage (hashes and URIs of models, inputs and outputs).
interface IEconomyEvents {
    // ─── providers ─────────────────────────────────────────────────────────────────────────────────────────────
    event ProviderRegistered(
        address indexed provider,
        uint32 id,
        uint256 bond,
        uint24 score,
        uint8 kinds,
        uint8 capacity
    );
    event BondAdded(address indexed provider, uint256 amount, uint256 bond);
    event ProfileUpdated(address indexed provider, uint24 score, uint8 kinds, uint8 capacity);
    event ProviderPaused(address indexed provider);
    event ProviderResumed(address indexed provider);
    event ExitRequested(address indexed provider, uint256 unbondingEndsAt);
    event BondWithdrawn(address indexed provider, address to, uint256 amount);
    event Strike(address indexed provider, uint256 indexed jobId, uint8 strikes);
    event ProviderJailed(address indexed provider, uint256 jailedUntil);
    event ProviderUnjailed(address indexed provider);
    /// @notice Collateral taken from a provider's bond: `toRequester` + `toTreasury` + `toWinner` + `burned` = `amount`.
    event ProviderSlashed(
        address indexed provider,
        uint256 indexed jobId,
        uint256 amount,
        uint256 toRequester,
        uint256 toTreasury,
        uint256 toWinner,
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
        uint32 deadlineS,
        uint24 minScore
    );
    event JobAssigned(uint256 indexed jobId, address indexed provider, uint256 collateral, uint256 deadline);
    event JobDeclined(uint256 indexed jobId, address indexed provider, uint8 reason);
    event ResultSubmitted(uint256 indexed jobId, address indexed provider, bytes32 outputHash, string outputURI);
    event JobTimedOut(uint256 indexed jobId, address indexed provider, uint256 deadline);
    event JobFinalized(uint256 indexed jobId, address indexed provider, uint256 payout, uint256 protocolFee);
    event JobRejected(uint256 indexed jobId, address indexed provider);
    event JobRefunded(uint256 indexed jobId, address indexed requester, uint256 amount);

    // ─── verification ──────────────────────────────────────────────────────────────────────────────────────────
    event ValidatorRegistered(address indexed validator, uint256 bond);
    event ValidatorBondAdded(address indexed validator, uint256 amount, uint256 bond);
    event ValidatorExitRequested(address indexed validator, uint256 unbondingEndsAt);
    event ValidatorBondWithdrawn(address indexed validator, address to, uint256 amount);
    event ValidatorSlashed(address indexed validator, uint256 indexed jobId, uint256 amount, uint256 toWinner, uint256 burned);
    event ChallengeCommitted(address indexed validator, bytes32 commitment);
    event ChallengeOpened(uint256 indexed jobId, address indexed challenger, address indexed provider, uint256 voteEndsAt);
    event VoteCast(uint256 indexed jobId, address indexed validator, bool resultValid, uint256 weight);
    event VoteExtended(uint256 indexed jobId, uint256 voteEndsAt);
    event ChallengeResolved(uint256 indexed jobId, bool resultValid, uint256 validWeight, uint256 invalidWeight);

    // ─── rewards, treasury, models, fork allocation, admin ───────────────────────────────────────────────────────
    event EpochClosed(uint256 indexed epoch, uint256 work, uint256 emission);
    event EmissionCredited(address indexed provider, uint256 indexed epoch, uint256 amount);
    event Withdrawn(address indexed account, address to, uint256 amount);
    event TreasuryWithdrawn(address indexed to, uint256 amount);
    event ModelRegistered(bytes32 indexed modelHash, uint8 kind, string uri);
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
    error InvalidScore(uint256 score);
    error InvalidKinds(uint8 kinds);
    error InvalidCapacity(uint8 capacity);
    error WrongProviderStatus(address provider, uint8 status);
    error StillUnbonding(uint256 until);
    error StillJailed(uint256 until);
    error CollateralLocked(uint256 locked);

    error InvalidKind(uint8 kind);
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
    error CancelTooEarly(uint256 jobId, uint256 fromBlock);
    error ChallengeWindowOpen(uint256 jobId, uint256 endsAt);
    error ChallengeWindowClosed(uint256 jobId, uint256 endedAt);

    error WrongValidatorStatus(address validator, uint8 status);
    error UnknownCommitment(bytes32 commitment);
    error CommitmentTooFresh(bytes32 commitment);
    error SelfChallenge(uint256 jobId);
    error AlreadyVoted(uint256 jobId, address validator);
    error VoteClosed(uint256 jobId, uint256 endedAt);
    error VoteOpen(uint256 jobId, uint256 endsAt);
    error JoinedAfterChallenge(uint256 jobId, address validator);

    error NothingToWithdraw();
    error TreasuryTooSmall(uint256 have, uint256 want);
    error NoAllocation();
    error AlreadyClaimed(address account);
    error InvalidProof();
}
