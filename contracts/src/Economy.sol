// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EconomyBase} from "./EconomyBase.sol";
import {JobStatus, ModelView, ProviderStatus} from "./interfaces/EconomyTypes.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";
import {IModelLookup} from "./interfaces/IModelLookup.sol";
import {Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title Economy
/// @notice One economy: its provider registry, job market and rewards. Every economy is an EIP-1167 clone of this
/// contract made by {EconomyFactory}, with its token, lineage and {Params} as immutable clone arguments.
/// This contract holds the hot paths of a job's life (post, assign, decline, accept, submit, time out, finalize), a
/// provider's own calls (register, bond, profile, pause, resume, exit, bond withdrawal, unjail) and the payouts
/// (withdraw, claimEmission); everything else (a requester's cancel, validators and challenges, models, fork
/// allocations, treasury, admin) lives in {EconomyModule}, reached through this contract's fallback by delegatecall,
/// and every view in {EconomyViews}, one delegatecall further, so one address serves all three.
///
/// The draw: a job posted (or re-opened) in block B is drawn by `assign`, callable by anyone from block B + 1, from
/// blockhash(B) (or, once that is older than 256 blocks, the hash of the latest block B + 256·k before the call),
/// with probability proportional to free bond among the providers eligible for it. Each job kind has its own weight
/// tree, and a provider with no free slot has no leaf, so weight that can never take the job does not stand in the
/// way. Nothing a provider declares raises its weight: it is its bond (thinned by free / bond). The draw set is the
/// one at block B: a draw that lands on a provider whose standing changed by its own doing after B — its chance rose
/// (register, bond, resume, unjail, a decline, a freed last slot) or it left (pause, exit, jail: it keeps its leaves
/// until a draw lands on them) — ends for this block and the job is re-seeded from the current block, instead of
/// passing to someone else: changing one's standing after seeing the hash cannot steer the draw. A call that keeps nobody in {MAX_DRAWS} attempts re-seeds the job the same way, so
/// each retry draws from fresh bits.
/// Residual bias, documented rather than removed: (1) the producer of block B can choose among the hashes it could
/// produce (withholding or reordering), which on an L2 means the sequencer; (2) a drawn provider may decline, and a
/// provider that left after the seed may veto its own draw: each costs its owner the job and re-seeds the draw from a
/// later block nobody knew, so a party with k providers gets at most k fresh random draws, never a choice among
/// outcomes of one seed; (3) when the first 256 blocks pass without an `assign`, each later 256-block window brings a
/// new hash, so a lone caller who waits can pick among windows. Providers' nodes calling `assign` as soon as they can
/// is what keeps (3) small.
contract Economy is EconomyBase, Initializable {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;

    /// @notice No provider in the draw could take the job (none eligible in {MAX_DRAWS} attempts).
    error NoEligibleProvider(uint256 jobId, uint256 totalWeight);

    /// @dev {EconomyModule}: the rest of the economy's functions, run in this contract's storage.
    address private immutable MODULE;

    /// @param module The {EconomyModule} implementation shared by every clone of this contract.
    constructor(address module) {
        MODULE = module;
        _disableInitializers();
    }

    /// @notice Sets up a new clone: its admin (who registers models and spends the treasury) and an optional supply
    /// minted to the admin so that the economy has requesters and providers from the start.
    /// @dev Called by the factory in the transaction that creates the clone.
    /// @param admin The economy's admin (the creator).
    /// @param creatorSupply Tokens minted to `admin`.
    function initialize(address admin, uint256 creatorSupply) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        IEconomyToken token = IEconomyToken(address(_token()));
        _admin = admin;
        emit AdminTransferred(address(0), admin);
        if (creatorSupply != 0) token.mint(admin, creatorSupply);
    }

    // ─── providers ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers the caller as a provider with a bond (pulled from the caller; approve or permit first).
    /// A provider that exited may register again under the same id; its strikes stay with it.
    /// @param bond Tokens to bond, at least `minBond` (at most 309M tokens).
    /// @param kinds Job kinds served, a bitmask of `1 << kind` (1 inference, 2 fine-tune, 3 both).
    /// @param capacity Jobs this provider runs at once (1..64); a full provider is not drawn.
    /// @return id The provider's id (its leaf in the draw trees).
    function register(uint256 bond, uint8 kinds, uint8 capacity) external nonReentrant returns (uint32 id) {
        Params memory prm = _params();
        if (bond < prm.minBond) revert BondTooLow(bond, prm.minBond);
        _checkProfile(kinds, capacity);
        id = _providerIds[msg.sender];
        uint8 strikes;
        if (id == 0) {
            Counters memory c = _counters;
            id = c.providers + 1;
            c.providers = id;
            _counters = c;
            _providerIds[msg.sender] = id;
            _trees[KIND_INFERENCE].reserve(id);
            _trees[KIND_FINE_TUNE].reserve(id);
        } else {
            Provider storage old = _providers[id];
            if (old.status != ProviderStatus.Exited) revert WrongProviderStatus(msg.sender, uint8(old.status));
            strikes = old.strikes;
        }
        Provider storage p = _providers[id];
        _providers[id] = Provider({
            bond: bond.toUint88(),
            locked: 0,
            capacity: capacity,
            activeJobs: 0,
            status: ProviderStatus.Exited,
            lastIncreaseBlock: uint48(block.number),
            account: msg.sender,
            kinds: kinds,
            strikes: strikes,
            until: 0,
            noShows: 0
        });
        _accounts[msg.sender].opened = true;
        _totalBonded += uint128(bond);
        _enter(id, p, prm.minBond);
        emit ProviderRegistered(msg.sender, id, bond, kinds, capacity);
        _pull(msg.sender, bond);
    }

    /// @notice Adds to the caller's bond (Active, Paused or Jailed). Counts as an increase for draws already open.
    /// @param amount Tokens to add (pulled from the caller).
    function addBond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        (uint32 id, Provider storage p) = _provider(msg.sender);
        ProviderStatus status = p.status;
        if (status != ProviderStatus.Active && status != ProviderStatus.Paused && status != ProviderStatus.Jailed) {
            revert WrongProviderStatus(msg.sender, uint8(status));
        }
        uint256 minBond = _params().minBond;
        _settleEmission(id, p, minBond, false);
        uint256 before = p.bond;
        uint88 bond = (before + amount).toUint88();
        p.bond = bond;
        _totalBonded += uint128(amount);
        if (status == ProviderStatus.Active) {
            p.lastIncreaseBlock = uint48(block.number);
            _moveStake(_earningStake(before, minBond), _earningStake(bond, minBond));
            _syncWeight(id, p, minBond);
        }
        emit BondAdded(msg.sender, amount, bond);
        _pull(msg.sender, amount);
    }

    /// @notice Changes the caller's job kinds and capacity. Only while Paused: a change that lowered its weight while
    /// Active would re-roll draws already seeded; {resume} brings the new profile into the draw.
    /// @param kinds New job-kind bitmask (1..3).
    /// @param capacity New number of concurrent jobs (1..64).
    function updateProfile(uint8 kinds, uint8 capacity) external {
        _checkProfile(kinds, capacity);
        (, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Paused) revert WrongProviderStatus(msg.sender, uint8(p.status));
        p.capacity = capacity;
        p.kinds = kinds;
        emit ProfileUpdated(msg.sender, kinds, capacity);
    }

    /// @notice Stops the caller being drawn for new jobs (assigned jobs continue) and stops its emission. A draw
    /// seeded before this block that lands on it ends there (no job for it, none passed on). Undone by {resume}.
    function pause() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Active) revert WrongProviderStatus(msg.sender, uint8(p.status));
        _leave(id, p, ProviderStatus.Paused, _params().minBond);
        emit ProviderPaused(msg.sender);
    }

    /// @notice Makes a paused provider drawable again (with the profile it has now).
    function resume() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Paused) revert WrongProviderStatus(msg.sender, uint8(p.status));
        p.noShows = 0;
        _enter(id, p, _params().minBond);
        emit ProviderResumed(msg.sender);
    }

    /// @notice Starts the caller's exit: it leaves the draw at once and may withdraw its bond after
    /// `unbondingPeriodS` (and not before a jail it is serving ends), once no collateral is locked. Jobs already
    /// assigned continue (and can still be slashed).
    function requestExit() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        ProviderStatus status = p.status;
        if (status != ProviderStatus.Active && status != ProviderStatus.Paused && status != ProviderStatus.Jailed) {
            revert WrongProviderStatus(msg.sender, uint8(status));
        }
        Params memory prm = _params();
        uint256 until = block.timestamp + prm.unbondingPeriodS;
        if (status == ProviderStatus.Jailed && p.until > until) until = p.until;
        _leave(id, p, ProviderStatus.Exiting, prm.minBond);
        p.until = uint48(until);
        emit ExitRequested(msg.sender, until);
    }

    /// @notice Pays an exiting provider's bond to `to` once unbonding has ended and no collateral is locked.
    /// @param to Recipient.
    /// @return amount The bond paid.
    function withdrawBond(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        (, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Exiting) revert WrongProviderStatus(msg.sender, uint8(p.status));
        if (block.timestamp < p.until) revert StillUnbonding(p.until);
        if (p.locked != 0) revert CollateralLocked(p.locked);
        amount = p.bond;
        p.bond = 0;
        p.status = ProviderStatus.Exited;
        p.until = 0;
        _totalBonded -= uint128(amount);
        emit BondWithdrawn(msg.sender, to, amount);
        _push(to, amount);
    }

    /// @notice Returns a jailed provider to the draw after the cool-down, with a bond of at least `minBond`; its
    /// strikes start again from zero.
    function unjail() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Jailed) revert WrongProviderStatus(msg.sender, uint8(p.status));
        if (block.timestamp < p.until) revert StillJailed(p.until);
        uint256 minBond = _params().minBond;
        if (p.bond < minBond) revert BondTooLow(p.bond, minBond);
        p.strikes = 0;
        p.until = 0;
        _enter(id, p, minBond);
        emit ProviderUnjailed(msg.sender);
    }

    // ─── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Posts a job and escrows its fee (pulled from the caller). The provider is drawn by {assign} from the
    /// next block on. The model must be registered in this economy or visible from its lineage, with the same kind.
    /// @param kind 0 inference, 1 fine-tune.
    /// @param modelHash Content hash of the model (ONNX bytes).
    /// @param inputHash Content hash of the input (or dataset).
    /// @param inputURI Where the input can be fetched (kept in the event only).
    /// @param fee Tokens paid to the provider on finalize (less the protocol fee); at least `minFee`, at most 1.2M
    /// tokens.
    /// @param deadlineS Seconds the assigned provider has to submit, counted from each assignment (≥ minDeadlineS).
    /// @return jobId The new job's id (1, 2, …).
    function postJob(
        uint8 kind,
        bytes32 modelHash,
        bytes32 inputHash,
        string calldata inputURI,
        uint256 fee,
        uint32 deadlineS
    ) external returns (uint256 jobId) {
        return _postJob(kind, modelHash, inputHash, inputURI, fee, deadlineS);
    }

    /// @notice Posts a job priced per token (text generation): escrows base + pricePerToken × maxTokens; finalize pays
    /// base + pricePerToken × the tokens its result claims ({submitResultTokens}) and refunds the rest to the
    /// requester. Collateral, compensation and refunds on a timeout or a rejected result count the whole escrow.
    /// maxTokens or pricePerToken 0 posts a flat-fee job of `base`.
    /// @param base Paid whatever the length; at least `minFee`.
    /// @param pricePerToken Paid for each token produced.
    /// @param maxTokens The most tokens the result may claim (the input's max_tokens).
    /// Other parameters as {postJob}.
    function postJobPerToken(
        uint8 kind,
        bytes32 modelHash,
        bytes32 inputHash,
        string calldata inputURI,
        uint256 base,
        uint256 pricePerToken,
        uint32 maxTokens,
        uint32 deadlineS
    ) external returns (uint256 jobId) {
        uint256 minFee = _arg(ARG_PARAMS + MIN_FEE_OFFSET, 12);
        if (base < minFee) revert FeeTooLow(base, minFee);
        if (pricePerToken > type(uint80).max) revert AmountTooLarge(pricePerToken, type(uint80).max);
        jobId = _postJob(kind, modelHash, inputHash, inputURI, base + pricePerToken * maxTokens, deadlineS);
        if (maxTokens != 0 && pricePerToken != 0) {
            _perToken[jobId] = PerToken({price: uint80(pricePerToken), maxTokens: maxTokens, tokens: 0});
            emit JobPricedPerToken(jobId, pricePerToken, maxTokens);
        }
    }

    function _postJob(
        uint8 kind,
        bytes32 modelHash,
        bytes32 inputHash,
        string calldata inputURI,
        uint256 fee,
        uint32 deadlineS
    ) internal returns (uint256 jobId) {
        if (kind > KIND_FINE_TUNE) revert InvalidKind(kind);
        uint256 minFee = _arg(ARG_PARAMS + MIN_FEE_OFFSET, 12);
        if (fee < minFee) revert FeeTooLow(fee, minFee);
        if (fee > type(uint80).max) revert AmountTooLarge(fee, type(uint80).max);
        uint256 minDeadlineS = _jobParams().minDeadlineS;
        if (deadlineS < minDeadlineS || deadlineS > MAX_DEADLINE_S) {
            revert DeadlineOutOfRange(deadlineS, minDeadlineS, MAX_DEADLINE_S);
        }
        _checkModel(modelHash, kind);
        uint32 requesterId = _requesterIds[msg.sender];
        if (requesterId == 0) {
            requesterId = ++_counters.requesters;
            _requesterIds[msg.sender] = requesterId;
            _requesters[requesterId] = msg.sender;
        }
        jobId = ++_counters.jobs;
        // Checks-effects-interactions: the job exists before the fee is pulled (the token is this economy's own).
        _storeJob(jobId, Job({
            requesterId: requesterId,
            fee: uint80(fee),
            providerId: 0,
            deadlineS: uint24(deadlineS),
            stamp: uint48(block.number),
            kind: kind,
            status: JobStatus.Posted,
            declines: 0,
            accepted: false,
            misses: 0
        }));
        emit JobPosted(jobId, msg.sender, modelHash, kind, inputHash, inputURI, fee, deadlineS);
        _pull(msg.sender, fee);
    }

    /// @notice Draws the provider of a Posted job with probability proportional to free bond over the providers
    /// eligible for it, and locks its SLA collateral. Callable by anyone from the block after the job's draw block.
    /// See the contract's notes on the draw and its residual bias.
    /// @dev Each attempt descends the job kind's tree (bond, O(log₄ n) reads) to a provider and keeps it with
    /// probability free bond / bond; a kept provider must also be Active, have a free slot and free bond ≥ this job's
    /// collateral, no increase after the draw block, not be the requester and not be excluded from this job. A
    /// provider that left the draw before the draw block has its leaves cleared (weight that can never be drawn
    /// leaves the tree); one that left after it ends the draw. Rejected attempts draw again from fresh bits, so the
    /// provider kept is distributed ∝ free bond over the eligible ones. A call that keeps nobody re-seeds the job
    /// from this block ({DrawMissed}); the job stays Posted and the next call, from the next block, draws from a new
    /// hash. Reverts only when the kind's tree is empty.
    /// @param jobId The job to assign.
    function assign(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Posted) revert WrongJobStatus(jobId, uint8(job.status));
        uint256 drawBlock = job.stamp;
        if (block.number <= drawBlock) revert DrawNotReady(jobId, drawBlock);
        JobParams memory jp = _jobParams();
        uint256 collateral = _collateral(job.fee, jp.minCollateral, jp.multipleBps);
        uint32 id = _draw(jobId, job, collateral);
        if (id == 0) {
            job.stamp = uint48(block.number);
            if (job.misses < type(uint8).max) job.misses += 1;
            _storeJob(jobId, job);
            emit DrawMissed(jobId, block.number);
            return;
        }
        Provider storage p = _providers[id];
        // Lock the collateral and take a slot: locked + collateral ≤ bond and activeJobs < capacity, so neither
        // field overflows into the next.
        uint256 w = _word(p) + (collateral << P_LOCKED) + (1 << P_ACTIVE);
        _setWord(p, w);
        if (uint8(w >> P_ACTIVE) >= uint8(w >> P_CAPACITY)) _setLeaves(id, ALL_KINDS, 0);
        job.providerId = id;
        job.status = JobStatus.Assigned;
        job.stamp = uint48(block.timestamp);
        _storeJob(jobId, job);
        emit JobAssigned(jobId, p.account, collateral, block.timestamp + job.deadlineS);
    }

    /// @dev The draw itself: the provider kept (0 when none was, in {MAX_DRAWS} attempts, or the draw landed on a
    /// provider that left after the draw block).
    function _draw(uint256 jobId, Job memory job, uint256 collateral) private returns (uint32) {
        WeightTree.Tree storage tree = _trees[job.kind];
        uint256 total = tree.total();
        if (total == 0) revert NoEligibleProvider(jobId, 0);
        bytes32 seed = _seed(jobId, job.stamp);
        address requester = _requesters[job.requesterId];
        for (uint256 attempt; attempt < MAX_DRAWS && total != 0; ++attempt) {
            uint256 r = uint256(keccak256(abi.encode(seed, attempt)));
            // The point is a fraction of the total, not r mod total: a small change to the tree after the seed moves
            // it a little instead of drawing anew, so topping a bond up cannot re-roll a draw.
            uint32 id = uint32(tree.find((uint256(uint128(r)) * total) >> 128) + 1);
            uint256 w = _word(_providers[id]);
            bool kept = _eligible(w, collateral, r >> 128) &&
                !(job.declines != 0 && _excluded[jobId][id]) &&
                _providers[id].account != requester;
            if (uint8(w >> P_STATUS) != uint8(ProviderStatus.Active)) {
                if (uint48(w >> P_INCREASE) <= job.stamp) {
                    // Left before the seed was known: weight that can never be drawn leaves the tree.
                    _setLeaves(id, ALL_KINDS, 0);
                    total = tree.total();
                } else if (kept) {
                    // Left after the seed, and this draw would have kept it: the draw ends here (re-seeded) rather
                    // than passing to someone else from the same seed.
                    return 0;
                }
                continue;
            }
            // Its chance rose after the seed was known (its own doing, or a last slot freed): it was not in this
            // draw's set with this weight. Where the draw would keep it, the draw ends (re-seeded) — neither taking the
            // job with weight added after the seed nor passing it on from the same seed; otherwise it goes on as for
            // any rejection, so an increase cannot veto someone else's draw.
            if (kept) return uint48(w >> P_INCREASE) > job.stamp ? 0 : id;
        }
        return 0;
    }

    /// @dev blockhash(drawBlock), or once that is older than 256 blocks the hash of the latest block drawBlock + 256·k
    /// before this one, bound to this economy and job.
    function _seed(uint256 jobId, uint256 drawBlock) private view returns (bytes32) {
        uint256 anchor = drawBlock;
        if (block.number - drawBlock > 256) anchor += ((block.number - 1 - drawBlock) / 256) * 256;
        return keccak256(abi.encode(blockhash(anchor), address(this), jobId));
    }

    /// @notice The assigned provider turns the job down inside the accept window, with a reason code (1..9, see
    /// src/shared/decline.ts). No slash and no forfeit: the collateral is released and the job is drawn again without
    /// this provider, or refunded to the requester after `maxDeclines` declines, no-shows and timeouts. (A provider
    /// that declines everything earns its bond's emission and no fees: less than serving.)
    /// @param jobId The job.
    /// @param reason Decline reason code.
    function declineJob(uint256 jobId, uint8 reason) external {
        if (reason == 0 || reason > MAX_DECLINE_REASON) revert InvalidDeclineReason(reason);
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(job.status));
        uint32 id = job.providerId;
        if (_providerIds[msg.sender] != id) revert NotJobProvider(jobId, msg.sender);
        Params memory prm = _params();
        uint256 closesAt = uint256(job.stamp) + prm.acceptWindowS;
        if (block.timestamp > closesAt) revert AcceptWindowClosed(jobId, closesAt);
        Provider storage p = _release(id, _collateral(job.fee, prm));
        // The provider's own doing: its freed collateral must not count in draws already seeded.
        if (p.status == ProviderStatus.Active) p.lastIncreaseBlock = uint48(block.number);
        emit JobDeclined(jobId, msg.sender, reason);
        _redrawOrRefund(jobId, job, id, prm);
    }

    /// @notice The assigned provider says, inside the accept window, that it runs the job (after fetching its input):
    /// from now on a missed deadline is its fault and is slashed. A result submitted inside the accept window needs
    /// no accept. A job neither accepted nor answered in the window is a no-show ({reportTimeout}): re-drawn without
    /// a slash, so a provider whose node is gone is never slashed for being away.
    /// @param jobId The job.
    function acceptJob(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(job.status));
        uint32 id = job.providerId;
        if (_providerIds[msg.sender] != id) revert NotJobProvider(jobId, msg.sender);
        uint256 closesAt = uint256(job.stamp) + _jobParams().acceptWindowS;
        if (block.timestamp > closesAt) revert AcceptWindowClosed(jobId, closesAt);
        if (job.accepted) return;
        job.accepted = true;
        _storeJob(jobId, job);
        Provider storage p = _providers[id];
        if (p.noShows != 0) p.noShows = 0;
        emit JobAccepted(jobId, msg.sender);
    }

    /// @notice The assigned provider delivers its result before the deadline; it finalizes after the challenge window
    /// unless a validator challenges it.
    /// @param jobId The job.
    /// @param outputHash Content hash of the output (non-zero).
    /// @param outputURI Where the output can be fetched (kept in the event only).
    function submitResult(uint256 jobId, bytes32 outputHash, string calldata outputURI) external {
        _submitResult(jobId, outputHash, outputURI);
    }

    /// @notice {submitResult} for a job priced per token, with the number of tokens the output holds (what
    /// validators check: a count that is not the output's is a wrong result); finalize pays for these.
    /// @param tokens Tokens generated, at most the job's maxTokens (0 for a flat-fee job).
    function submitResultTokens(uint256 jobId, bytes32 outputHash, string calldata outputURI, uint32 tokens) external {
        PerToken storage pt = _perToken[jobId];
        if (tokens > pt.maxTokens) revert TooManyTokens(jobId, tokens, pt.maxTokens);
        _submitResult(jobId, outputHash, outputURI);
        if (tokens != 0) pt.tokens = tokens;
    }

    function _submitResult(uint256 jobId, bytes32 outputHash, string calldata outputURI) internal {
        if (outputHash == bytes32(0)) revert InvalidOutputHash();
        Job storage js = _jobs[jobId];
        (JobStatus st, uint32 providerId, uint256 stamp, uint256 deadlineS) = (
            js.status,
            js.providerId,
            js.stamp,
            js.deadlineS
        );
        if (st != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(st));
        if (_providerIds[msg.sender] != providerId) revert NotJobProvider(jobId, msg.sender);
        uint256 deadline = stamp + deadlineS;
        if (block.timestamp > deadline) revert DeadlinePassed(jobId, deadline);
        js.status = JobStatus.Submitted;
        js.stamp = uint48(block.timestamp);
        emit ResultSubmitted(jobId, msg.sender, outputHash, outputURI);
    }

    /// @notice Anyone may report an assigned job that was let go. Never accepted and its accept window over: a
    /// no-show — the collateral is released without a slash, the job is drawn again without this provider (or
    /// refunded after `maxDeclines`), and after {MAX_NO_SHOWS} in a row the provider is paused. Accepted and its
    /// deadline passed without a result: a timeout — the job's collateral is slashed (requesterSlashShareBps to the
    /// requester, never more than fee / maxDeclines a time so that a job's compensation never exceeds its fee; the
    /// rest to the treasury), the provider forfeits its unsettled emission and gets a strike (jailed at
    /// `jailStrikes`), and the job is drawn again without it or refunded.
    /// @param jobId The job.
    function reportTimeout(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(job.status));
        Params memory prm = _params();
        uint32 id = job.providerId;
        uint256 collateral = _collateral(job.fee, prm);
        if (!job.accepted) {
            uint256 closesAt = uint256(job.stamp) + prm.acceptWindowS;
            if (block.timestamp <= closesAt) revert DeadlineNotReached(jobId, closesAt);
            Provider storage q = _release(id, collateral);
            uint8 noShows = q.noShows + 1;
            q.noShows = noShows;
            emit JobNoShow(jobId, q.account, noShows);
            if (noShows >= MAX_NO_SHOWS && q.status == ProviderStatus.Active) {
                _leave(id, q, ProviderStatus.Paused, prm.minBond);
                emit ProviderPaused(q.account);
            }
            _redrawOrRefund(jobId, job, id, prm);
            return;
        }
        uint256 deadline = uint256(job.stamp) + job.deadlineS;
        if (block.timestamp <= deadline) revert DeadlineNotReached(jobId, deadline);
        // The slash is exactly the collateral this job locked: release it, then take it from the bond.
        Provider storage p = _release(id, collateral);
        _settleEmission(id, p, prm.minBond, true);
        _takeFromBond(id, p, collateral, prm);
        uint256 toRequester = (collateral * prm.requesterSlashShareBps) / 10_000;
        if (toRequester > job.fee / prm.maxDeclines) toRequester = job.fee / prm.maxDeclines;
        uint256 toTreasury = collateral - toRequester;
        _credit(_requesters[job.requesterId], toRequester);
        _ledger.treasury += uint128(toTreasury);
        address account = p.account;
        emit JobTimedOut(jobId, account, deadline);
        emit ProviderSlashed(account, jobId, collateral, toRequester, toTreasury, 0, 0, 0);
        _strike(id, jobId, prm);
        _redrawOrRefund(jobId, job, id, prm);
    }

    /// @notice Finalizes a submitted job once its challenge window has passed: releases the collateral, credits the
    /// fee minus the protocol fee to the provider's claimable balance and the protocol fee to the treasury. Callable
    /// by anyone.
    /// @param jobId The job.
    function finalize(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Submitted) revert WrongJobStatus(jobId, uint8(job.status));
        JobParams memory jp = _jobParams();
        uint256 endsAt = uint256(job.stamp) + jp.challengeWindowS;
        if (block.timestamp < endsAt) revert ChallengeWindowOpen(jobId, endsAt);
        job.status = JobStatus.Finalized;
        _storeJob(jobId, job);
        Provider storage p = _release(job.providerId, _collateral(job.fee, jp.minCollateral, jp.multipleBps));
        // A delivered job ends a run of no-shows (word 1 is read for the account anyway; written only if needed).
        if (p.noShows != 0) p.noShows = 0;
        _payProvider(jobId, p.account, job);
    }

    /// @notice Pays the caller's claimable balance (fees, refunds, compensation, challenge and vote rewards, and the
    /// emission already settled into it) to `to`. Emission still accruing to its bond is settled by {claimEmission}
    /// (and whenever its stake changes): a job's own withdrawal stays cheap, and emission is claimed when it is worth
    /// the gas.
    /// @param to Recipient (the payout address).
    /// @return amount Tokens paid.
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        Account storage as_ = _accounts[msg.sender];
        amount = as_.claimable;
        if (amount == 0) revert NothingToWithdraw();
        as_.claimable = 0;
        emit Withdrawn(msg.sender, to, amount);
        _push(to, amount);
    }

    /// @notice Settles the emission accrued to the caller's provider bond into its claimable balance (minted now).
    /// @return amount Emission credited.
    function claimEmission() external nonReentrant returns (uint256 amount) {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        uint256 before = _accounts[msg.sender].claimable;
        _settleEmission(id, p, _params().minBond, false);
        amount = _accounts[msg.sender].claimable - before;
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The checks that need only the provider's first word `w`: a free slot, free bond for the collateral, and
    /// thinning by free / bond.
    function _eligible(uint256 w, uint256 collateral, uint256 bits) private pure returns (bool) {
        if (uint8(w >> P_ACTIVE) >= uint8(w >> P_CAPACITY)) return false;
        if (uint88(w) == 0) return false;
        uint256 bond = uint88(w);
        uint256 free = bond - uint88(w >> P_LOCKED);
        return free >= collateral && bits % bond < free;
    }

    function _checkProfile(uint8 kinds, uint8 capacity) private pure {
        if (kinds == 0 || kinds > ALL_KINDS) revert InvalidKinds(kinds);
        if (capacity == 0 || capacity > MAX_CAPACITY) revert InvalidCapacity(capacity);
    }

    /// @dev A model is usable when registered here, or in an ancestor at or before the block this economy forked at.
    function _checkModel(bytes32 modelHash, uint8 kind) private view {
        Model storage m = _models[modelHash];
        uint8 modelKind;
        if (m.registeredBlock != 0) {
            modelKind = m.kind;
        } else {
            address parent = _parentEconomy();
            if (parent == address(0)) revert UnknownModel(modelHash);
            ModelView memory inherited = IModelLookup(parent).modelVisibleAt(modelHash, _arg(ARG_FORK_BLOCK, 8));
            if (!inherited.found) revert UnknownModel(modelHash);
            modelKind = inherited.kind;
        }
        if (modelKind != kind) revert ModelKindMismatch(modelHash, modelKind, kind);
    }

    function _provider(address account) private view returns (uint32 id, Provider storage p) {
        id = _providerIds[account];
        p = _providers[id];
        if (id == 0) revert WrongProviderStatus(account, uint8(ProviderStatus.None));
    }

    function _implementation() private view returns (address) {
        return MODULE;
    }

    /// @notice Everything not defined here runs in {EconomyModule} on this economy's storage.
    fallback() external {
        address module = _implementation();
        _delegate(module);
    }
}
