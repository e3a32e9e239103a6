// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IEconomyEvents} from "./IEconomyEvents.sol";
import {
    AccountView,
    ChallengeView,
    JobView,
    LineageView,
    ModelView,
    ProviderView,
    StatsView,
    ValidatorView,
    VerificationPolicy,
    VoteView
} from "./EconomyTypes.sol";
import {Params} from "../lib/EconomyParams.sol";

/// @title IEconomy
/// @notice One economy's whole interface at its address: {Economy}'s functions plus {EconomyModule}'s and
/// {EconomyViews}', which the economy forwards by delegatecall. Full documentation is on the implementations; the
/// build checks that this list matches them exactly.
interface IEconomy is IEconomyEvents {
    // providers (Economy)
    /// @notice Set up a new clone (factory only, once).
    function initialize(address admin, uint256 creatorSupply) external;
    /// @notice Register as a provider with a bond, job kinds and capacity.
    function register(uint256 bond, uint8 kinds, uint8 capacity) external returns (uint32 id);
    /// @notice Add to the caller's bond.
    function addBond(uint256 amount) external;
    /// @notice Change kinds and capacity (while Paused).
    function updateProfile(uint8 kinds, uint8 capacity) external;
    /// @notice Stop being drawn.
    function pause() external;
    /// @notice Be drawn again after a pause.
    function resume() external;
    /// @notice Leave the draw and start unbonding.
    function requestExit() external;
    /// @notice Withdraw the bond after unbonding, with nothing locked.
    function withdrawBond(address to) external returns (uint256 amount);
    /// @notice Return to the draw after the jail cool-down.
    function unjail() external;

    // jobs (Economy)
    /// @notice Post a job and escrow its fee.
    function postJob(
        uint8 kind,
        bytes32 modelHash,
        bytes32 inputHash,
        string calldata inputURI,
        uint256 fee,
        uint32 deadlineS
    ) external returns (uint256 jobId);
    /// @notice Post a job priced per token: escrow base + pricePerToken × maxTokens, pay for the tokens produced.
    function postJobPerToken(
        uint8 kind,
        bytes32 modelHash,
        bytes32 inputHash,
        string calldata inputURI,
        uint256 base,
        uint256 pricePerToken,
        uint32 maxTokens,
        uint32 deadlineS
    ) external returns (uint256 jobId);
    /// @notice Draw a Posted job's provider (anyone, from the block after its draw block).
    function assign(uint256 jobId) external;
    /// @notice Decline an assigned job inside the accept window.
    function declineJob(uint256 jobId, uint8 reason) external;
    /// @notice Accept an assigned job inside the accept window (from then on a missed deadline is slashed).
    function acceptJob(uint256 jobId) external;
    /// @notice Submit a result before the deadline.
    function submitResult(uint256 jobId, bytes32 outputHash, string calldata outputURI) external;
    /// @notice Submit a result with the number of tokens it holds (a job priced per token).
    function submitResultTokens(uint256 jobId, bytes32 outputHash, string calldata outputURI, uint32 tokens) external;
    /// @notice Report a no-show (not accepted in the accept window) or a missed deadline (anyone).
    function reportTimeout(uint256 jobId) external;
    /// @notice Finalize a result after its challenge window (anyone).
    function finalize(uint256 jobId) external;
    /// @notice Withdraw the caller's claimable balance.
    function withdraw(address to) external returns (uint256 amount);
    /// @notice Settle the emission accrued to the caller's bond into its claimable balance.
    function claimEmission() external returns (uint256 amount);

    // jobs, verification, models, allocation, treasury (EconomyModule)
    /// @notice Cancel an unassigned job after the cancel delay.
    function cancelJob(uint256 jobId) external;
    /// @notice Register as a validator.
    function registerValidator(uint256 amount) external;
    /// @notice Add to a validator's bond.
    function addValidatorBond(uint256 amount) external;
    /// @notice Start a validator's exit.
    function requestValidatorExit() external;
    /// @notice Withdraw a validator's bond after unbonding.
    function withdrawValidatorBond(address to) external returns (uint256 amount);
    /// @notice Commit to a challenge (locks the challenge bond).
    function commitChallenge(bytes32 commitment) external;
    /// @notice Release a commitment never revealed (forfeits the commit fee).
    function releaseCommitment(bytes32 commitment) external;
    /// @notice Reveal a committed challenge on a submitted result, with a URI to the evidence.
    function challenge(uint256 jobId, bytes32 salt, string calldata evidenceURI) external;
    /// @notice Vote on a challenged result.
    function vote(uint256 jobId, bool resultValid) external;
    /// @notice Settle a challenge after its vote.
    function resolveChallenge(uint256 jobId) external;
    /// @notice Settle one voter's part of a resolved challenge.
    function settleVote(uint256 jobId, address voter) external;
    /// @notice Register a model with its verification policy (admin).
    function registerModel(
        bytes32 modelHash,
        string calldata uri,
        uint8 kind,
        VerificationPolicy calldata policy
    ) external;
    /// @notice A model as seen now.
    function model(bytes32 modelHash) external view returns (ModelView memory);
    /// @notice A model as seen at a block (lineage lookup).
    function modelVisibleAt(bytes32 modelHash, uint256 atBlock) external view returns (ModelView memory);
    /// @notice Claim a fork allocation by Merkle proof.
    function claimAllocation(address account, uint256 amount, bytes32[] calldata proof) external;
    /// @notice Whether an allocation was claimed.
    function allocationClaimed(address account) external view returns (bool);
    /// @notice Spend the treasury (admin).
    function withdrawTreasury(address to, uint256 amount) external;
    /// @notice Hand over the admin role.
    function transferAdmin(address newAdmin) external;

    // views (EconomyViews, through EconomyModule's fallback)
    /// @notice Every parameter.
    function params() external view returns (Params memory);
    /// @notice The token.
    function token() external view returns (address);
    /// @notice Token, parent, creation time, fork block, snapshot block, allocation root.
    function lineage() external view returns (LineageView memory);
    /// @notice The admin.
    function admin() external view returns (address);
    /// @notice A provider by account.
    function providerOf(address account) external view returns (ProviderView memory);
    /// @notice A provider by id.
    function providerById(uint32 id) external view returns (ProviderView memory);
    /// @notice A job.
    function job(uint256 jobId) external view returns (JobView memory);
    /// @notice A job's challenge.
    function challengeOf(uint256 jobId) external view returns (ChallengeView memory);
    /// @notice A validator's vote on a job.
    function voteOf(uint256 jobId, address validator) external view returns (VoteView memory);
    /// @notice Whether a validator voted on a job (or challenged it).
    function hasVoted(uint256 jobId, address validator) external view returns (bool);
    /// @notice Block of a challenge commitment.
    function commitmentBlock(bytes32 commitment) external view returns (uint256);
    /// @notice A validator's vote weight at a past block.
    function validatorStakeAt(address validator, uint256 blockNumber) external view returns (uint256);
    /// @notice Whether a provider is excluded from a job's draws.
    function isExcluded(uint256 jobId, address provider) external view returns (bool);
    /// @notice A validator.
    function validatorOf(address account) external view returns (ValidatorView memory);
    /// @notice Withdrawable balance now.
    function claimable(address account) external view returns (uint256);
    /// @notice An account's rewards state.
    function accountOf(address account) external view returns (AccountView memory);
    /// @notice Counts and balances.
    function stats() external view returns (StatsView memory);
    /// @notice Jobs posted.
    function jobCount() external view returns (uint256);
    /// @notice Providers registered.
    function providerCount() external view returns (uint256);
    /// @notice Providers Active.
    function activeProviders() external view returns (uint256);
    /// @notice Tokens bonded by providers.
    function totalBonded() external view returns (uint256);
    /// @notice Treasury balance.
    function treasury() external view returns (uint256);
    /// @notice Emission credited so far.
    function emitted() external view returns (uint256);
    /// @notice Emission of a span of time.
    function emissionBetween(uint256 from, uint256 to) external view returns (uint256);
    /// @notice Current epoch index.
    function currentEpoch() external view returns (uint256);
    /// @notice Emission of an epoch.
    function emissionForEpoch(uint256 epoch) external view returns (uint256);
    /// @notice Sum of draw weights of a job kind.
    function totalWeight(uint8 kind) external view returns (uint256);
    /// @notice Levels of the draw tree.
    function treeHeight() external view returns (uint256);
}
