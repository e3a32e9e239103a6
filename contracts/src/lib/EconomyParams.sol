// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Every parameter an economy runs by. Fixed at genesis or fork (stored in the economy clone's immutable
/// arguments, so reading them costs no storage access), validated against the bounds in {EconomyParams.validate}.
/// Amounts are in base units of the economy's token (18 decimals); durations in seconds; shares in basis points.
struct Params {
    /// Smallest bond a provider registers (and stays drawable) with.
    uint96 minBond;
    /// Floor of the SLA collateral locked per job.
    uint96 minCollateral;
    /// Collateral per job = max(fee × collateralFeeMultipleBps / 10,000, minCollateral).
    uint32 collateralFeeMultipleBps;
    /// After assignment, the provider may decline without a slash for this long.
    uint32 acceptWindowS;
    /// Shortest time a requester may give a provider to deliver (per assignment).
    uint32 minDeadlineS;
    /// A submitted result finalizes after this long unless a validator challenges it.
    uint32 challengeWindowS;
    /// Validators vote on a challenged result for this long (extended against late flips).
    uint32 voteWindowS;
    /// Share of each finalized fee that goes to the economy's treasury.
    uint16 protocolFeeBps;
    /// Share of a timeout slash that compensates the requester, capped at the job's fee (the rest goes to the treasury),
    /// so that a requester never earns more from a provider's miss than it paid.
    uint16 requesterSlashShareBps;
    /// Share of a lost challenge's slash that is burned instead of paid to the winner (makes self-challenge a loss).
    uint16 slashBurnBps;
    /// Strikes (timeouts, lost challenges) after which a provider is jailed.
    uint8 jailStrikes;
    /// How long a jailed provider waits before it may unjail.
    uint32 jailCooldownS;
    /// How long an exiting provider or validator waits before withdrawing its bond.
    uint32 unbondingPeriodS;
    /// Length of the period over which emissions are shared.
    uint32 epochLengthS;
    /// Tokens minted per epoch, accrued second by second to Active providers pro rata to their bonds (fees play no
    /// part, so self-dealt jobs earn no emission).
    uint96 emissionPerEpoch;
    /// Young-economy bootstrap: for the first bootstrapEpochs epochs the emission carries a linearly decaying bonus.
    uint16 bootstrapEpochs;
    /// The bonus in the economy's first epoch, in basis points of emissionPerEpoch.
    uint32 bootstrapBonusBps;
    /// Declines (and timeouts) after which a job is refunded instead of re-drawn.
    uint8 maxDeclines;
    /// Smallest bond a validator registers with.
    uint96 validatorMinBond;
    /// Part of a validator's bond locked by a challenge commitment: the challenger's vote weight (what it risks),
    /// slashed if the challenge fails.
    uint96 challengeBond;
    /// Smallest fee a job may carry (no dust jobs: each one locks collateral and takes a provider's slot).
    uint96 minFee;
    /// Share of the validator stake (at the block before a challenge opened) that must vote for the vote to count;
    /// below it the result stands and nobody is slashed.
    uint16 quorumBps;
    /// Share of a voter's weight locked by its vote and slashed if it votes against the outcome.
    uint16 voteSlashBps;
    /// Share of a lost challenge's slash (after the burn) paid to the winning party (the challenger, or the provider
    /// whose result stood); the rest goes to the validators that voted with the outcome, by weight.
    uint16 winnerShareBps;
    /// Share of `challengeBond` forfeited to the treasury by a commitment that is never revealed (makes committing
    /// blindly to every result cost money).
    uint16 commitFeeBps;
}

/// @notice A fork's changes to its parent's parameters: bit i of `mask` takes field i (in declaration order) from
/// `values`; every other field is copied from the parent.
struct ParamOverrides {
    uint32 mask;
    Params values;
}

/// @title EconomyParams
/// @notice Validation, fork overrides and the packed encoding of {Params} used as clone arguments.
library EconomyParams {
    /// @notice Number of fields in {Params}; bits above it in an override mask are refused.
    uint256 internal constant FIELD_COUNT = 25;
    /// @notice Length of {encode}'s output.
    uint256 internal constant ENCODED_LENGTH = 126;

    uint256 internal constant MAX_AMOUNT = 1e27;
    uint256 internal constant MIN_UNIT = 1e15;
    uint256 internal constant MAX_WINDOW = 30 days;
    uint256 internal constant MAX_LONG_PERIOD = 365 days;

    /// @notice Field `field` (index in {Params}) is `value`, outside [min, max].
    error ParamOutOfRange(uint256 field, uint256 value, uint256 min, uint256 max);
    /// @notice An override mask names fields that do not exist.
    error UnknownOverrideFields(uint256 mask);

    /// @notice Refuses parameters that would lock funds, pay out more than was paid in, or make a window empty.
    /// @dev Bounds are inclusive. unbondingPeriodS ≥ 2 × voteWindowS keeps a voter's bond in place until every vote it
    /// took part in (even extended) has been settled, and unbondingPeriodS ≥ jailCooldownS keeps an exit from cutting a
    /// jail short. quorumBps > 5,000 would let a lazy minority stall every vote; the floor of 1,000 keeps one small
    /// validator from deciding alone.
    function validate(Params memory p) internal pure {
        _range(0, p.minBond, 1e18, MAX_AMOUNT);
        _range(1, p.minCollateral, MIN_UNIT, p.minBond);
        _range(2, p.collateralFeeMultipleBps, 0, 100_000);
        _range(3, p.acceptWindowS, 1, 7 days);
        _range(4, p.minDeadlineS, uint256(p.acceptWindowS) + 1, MAX_WINDOW);
        _range(5, p.challengeWindowS, 1, MAX_WINDOW);
        _range(6, p.voteWindowS, 4, MAX_WINDOW);
        _range(7, p.protocolFeeBps, 0, 5_000);
        _range(8, p.requesterSlashShareBps, 0, 10_000);
        _range(9, p.slashBurnBps, 0, 10_000);
        _range(10, p.jailStrikes, 1, 100);
        _range(11, p.jailCooldownS, 1, MAX_LONG_PERIOD);
        uint256 unbondingFloor = 2 * uint256(p.voteWindowS);
        if (p.jailCooldownS > unbondingFloor) unbondingFloor = p.jailCooldownS;
        _range(12, p.unbondingPeriodS, unbondingFloor, MAX_LONG_PERIOD);
        _range(13, p.epochLengthS, 60, MAX_LONG_PERIOD);
        _range(14, p.emissionPerEpoch, 0, MAX_AMOUNT);
        _range(15, p.bootstrapEpochs, 0, 1_000);
        _range(16, p.bootstrapBonusBps, 0, 100_000);
        _range(17, p.maxDeclines, 1, 32);
        _range(18, p.validatorMinBond, 1e18, MAX_AMOUNT / 10);
        _range(19, p.challengeBond, MIN_UNIT, p.validatorMinBond);
        _range(20, p.minFee, MIN_UNIT, p.minBond);
        _range(21, p.quorumBps, 1_000, 5_000);
        _range(22, p.voteSlashBps, 100, 10_000);
        _range(23, p.winnerShareBps, 0, 10_000);
        _range(24, p.commitFeeBps, 100, 10_000);
    }

    /// @notice The parent's parameters with the fields named by `o.mask` taken from `o.values`.
    function applyOverrides(Params memory parent, ParamOverrides calldata o) internal pure returns (Params memory p) {
        if (o.mask >> FIELD_COUNT != 0) revert UnknownOverrideFields(o.mask);
        p = parent;
        Params calldata v = o.values;
        uint256 m = o.mask;
        if (m & (1 << 0) != 0) p.minBond = v.minBond;
        if (m & (1 << 1) != 0) p.minCollateral = v.minCollateral;
        if (m & (1 << 2) != 0) p.collateralFeeMultipleBps = v.collateralFeeMultipleBps;
        if (m & (1 << 3) != 0) p.acceptWindowS = v.acceptWindowS;
        if (m & (1 << 4) != 0) p.minDeadlineS = v.minDeadlineS;
        if (m & (1 << 5) != 0) p.challengeWindowS = v.challengeWindowS;
        if (m & (1 << 6) != 0) p.voteWindowS = v.voteWindowS;
        if (m & (1 << 7) != 0) p.protocolFeeBps = v.protocolFeeBps;
        if (m & (1 << 8) != 0) p.requesterSlashShareBps = v.requesterSlashShareBps;
        if (m & (1 << 9) != 0) p.slashBurnBps = v.slashBurnBps;
        if (m & (1 << 10) != 0) p.jailStrikes = v.jailStrikes;
        if (m & (1 << 11) != 0) p.jailCooldownS = v.jailCooldownS;
        if (m & (1 << 12) != 0) p.unbondingPeriodS = v.unbondingPeriodS;
        if (m & (1 << 13) != 0) p.epochLengthS = v.epochLengthS;
        if (m & (1 << 14) != 0) p.emissionPerEpoch = v.emissionPerEpoch;
        if (m & (1 << 15) != 0) p.bootstrapEpochs = v.bootstrapEpochs;
        if (m & (1 << 16) != 0) p.bootstrapBonusBps = v.bootstrapBonusBps;
        if (m & (1 << 17) != 0) p.maxDeclines = v.maxDeclines;
        if (m & (1 << 18) != 0) p.validatorMinBond = v.validatorMinBond;
        if (m & (1 << 19) != 0) p.challengeBond = v.challengeBond;
        if (m & (1 << 20) != 0) p.minFee = v.minFee;
        if (m & (1 << 21) != 0) p.quorumBps = v.quorumBps;
        if (m & (1 << 22) != 0) p.voteSlashBps = v.voteSlashBps;
        if (m & (1 << 23) != 0) p.winnerShareBps = v.winnerShareBps;
        if (m & (1 << 24) != 0) p.commitFeeBps = v.commitFeeBps;
    }

    /// @notice Tight encoding ({ENCODED_LENGTH} bytes): clone arguments are paid for per byte of code.
    function encode(Params memory p) internal pure returns (bytes memory) {
        return
            bytes.concat(
                abi.encodePacked(
                    p.minBond,
                    p.minCollateral,
                    p.collateralFeeMultipleBps,
                    p.acceptWindowS,
                    p.minDeadlineS,
                    p.challengeWindowS,
                    p.voteWindowS,
                    p.protocolFeeBps,
                    p.requesterSlashShareBps,
                    p.slashBurnBps
                ),
                abi.encodePacked(
                    p.jailStrikes,
                    p.jailCooldownS,
                    p.unbondingPeriodS,
                    p.epochLengthS,
                    p.emissionPerEpoch,
                    p.bootstrapEpochs,
                    p.bootstrapBonusBps,
                    p.maxDeclines,
                    p.validatorMinBond,
                    p.challengeBond
                ),
                abi.encodePacked(p.minFee, p.quorumBps, p.voteSlashBps, p.winnerShareBps, p.commitFeeBps)
            );
    }

    /// @notice Inverse of {encode}; `data` holds the encoding starting at byte `start`.
    function decode(bytes memory data, uint256 start) internal pure returns (Params memory p) {
        uint256 o = start;
        p.minBond = uint96(_read(data, o, 12));
        p.minCollateral = uint96(_read(data, o += 12, 12));
        p.collateralFeeMultipleBps = uint32(_read(data, o += 12, 4));
        p.acceptWindowS = uint32(_read(data, o += 4, 4));
        p.minDeadlineS = uint32(_read(data, o += 4, 4));
        p.challengeWindowS = uint32(_read(data, o += 4, 4));
        p.voteWindowS = uint32(_read(data, o += 4, 4));
        p.protocolFeeBps = uint16(_read(data, o += 4, 2));
        p.requesterSlashShareBps = uint16(_read(data, o += 2, 2));
        p.slashBurnBps = uint16(_read(data, o += 2, 2));
        p.jailStrikes = uint8(_read(data, o += 2, 1));
        p.jailCooldownS = uint32(_read(data, o += 1, 4));
        p.unbondingPeriodS = uint32(_read(data, o += 4, 4));
        p.epochLengthS = uint32(_read(data, o += 4, 4));
        p.emissionPerEpoch = uint96(_read(data, o += 4, 12));
        p.bootstrapEpochs = uint16(_read(data, o += 12, 2));
        p.bootstrapBonusBps = uint32(_read(data, o += 2, 4));
        p.maxDeclines = uint8(_read(data, o += 4, 1));
        p.validatorMinBond = uint96(_read(data, o += 1, 12));
        p.challengeBond = uint96(_read(data, o += 12, 12));
        p.minFee = uint96(_read(data, o += 12, 12));
        p.quorumBps = uint16(_read(data, o += 12, 2));
        p.voteSlashBps = uint16(_read(data, o += 2, 2));
        p.winnerShareBps = uint16(_read(data, o += 2, 2));
        p.commitFeeBps = uint16(_read(data, o += 2, 2));
    }

    /// @dev Big-endian unsigned integer of `size` bytes at `offset` in `data` (bounds checked by the caller's layout).
    function _read(bytes memory data, uint256 offset, uint256 size) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(sub(256, shl(3, size)), mload(add(add(data, 32), offset)))
        }
    }

    function _range(uint256 field, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ParamOutOfRange(field, value, min, max);
    }
}
