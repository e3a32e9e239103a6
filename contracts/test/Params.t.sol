// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./lib/Test.sol";
import {EconomyParams, Params, ParamOverrides} from "../src/lib/EconomyParams.sol";

contract ParamsHarness {
    function validate(Params memory p) external pure {
        EconomyParams.validate(p);
    }

    function roundTrip(Params memory p) external pure returns (Params memory, uint256 length) {
        bytes memory raw = EconomyParams.encode(p);
        return (EconomyParams.decode(raw, 0), raw.length);
    }

    /// @dev The economy decodes its parameters from inside a longer buffer (its clone arguments): decode at an offset.
    function roundTripAfter(Params memory p, bytes memory prefix) external pure returns (Params memory) {
        bytes memory raw = bytes.concat(prefix, EconomyParams.encode(p), prefix);
        return EconomyParams.decode(raw, prefix.length);
    }

    function encode(Params memory p) external pure returns (bytes memory) {
        return EconomyParams.encode(p);
    }

    function apply_(Params memory parent, ParamOverrides calldata o) external pure returns (Params memory) {
        return EconomyParams.applyOverrides(parent, o);
    }
}

/// @notice Parameter bounds (refusing what would lock funds or break windows), overrides, and the packed encoding.
contract ParamsTest is Test {
    ParamsHarness internal h = new ParamsHarness();

    function valid() internal pure returns (Params memory p) {
        p.minBond = 100e18;
        p.minCollateral = 5e18;
        p.collateralFeeMultipleBps = 20_000;
        p.acceptWindowS = 20;
        p.minDeadlineS = 30;
        p.challengeWindowS = 60;
        p.voteWindowS = 60;
        p.protocolFeeBps = 500;
        p.requesterSlashShareBps = 5_000;
        p.slashBurnBps = 5_000;
        p.jailStrikes = 3;
        p.jailCooldownS = 300;
        p.unbondingPeriodS = 300;
        p.epochLengthS = 600;
        p.emissionPerEpoch = 1_000e18;
        p.bootstrapEpochs = 6;
        p.bootstrapBonusBps = 10_000;
        p.maxDeclines = 3;
        p.validatorMinBond = 100e18;
        p.challengeBond = 10e18;
        p.minFee = 1e17;
        p.quorumBps = 3_000;
        p.voteSlashBps = 1_000;
        p.winnerShareBps = 5_000;
        p.commitFeeBps = 2_000;
    }

    function expectOut(Params memory p, uint256 field, uint256 value, uint256 min, uint256 max) internal {
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, field, value, min, max));
        h.validate(p);
    }

    function test_devnetParamsAreValid() public view {
        h.validate(valid());
    }

    /// @dev One case per bound: each would lock funds, pay out more than came in, or leave a window empty.
    function test_everyFieldIsBounded() public {
        Params memory p;
        p = valid(); p.minBond = 1e18 - 1; expectOut(p, 0, 1e18 - 1, 1e18, 1e27);
        p = valid(); p.minBond = 1e27 + 1; expectOut(p, 0, 1e27 + 1, 1e18, 1e27);
        p = valid(); p.minCollateral = 1e15 - 1; expectOut(p, 1, 1e15 - 1, 1e15, 100e18);
        p = valid(); p.minCollateral = 101e18; expectOut(p, 1, 101e18, 1e15, 100e18);
        p = valid(); p.collateralFeeMultipleBps = 100_001; expectOut(p, 2, 100_001, 0, 100_000);
        p = valid(); p.acceptWindowS = 0; expectOut(p, 3, 0, 1, 7 days);
        p = valid(); p.acceptWindowS = 7 days + 1; expectOut(p, 3, 7 days + 1, 1, 7 days);
        p = valid(); p.minDeadlineS = 20; expectOut(p, 4, 20, 21, 30 days);
        p = valid(); p.minDeadlineS = 30 days + 1; expectOut(p, 4, 30 days + 1, 21, 30 days);
        p = valid(); p.challengeWindowS = 0; expectOut(p, 5, 0, 1, 30 days);
        p = valid(); p.challengeWindowS = 30 days + 1; expectOut(p, 5, 30 days + 1, 1, 30 days);
        p = valid(); p.voteWindowS = 3; expectOut(p, 6, 3, 4, 30 days);
        p = valid(); p.protocolFeeBps = 5_001; expectOut(p, 7, 5_001, 0, 5_000);
        p = valid(); p.requesterSlashShareBps = 10_001; expectOut(p, 8, 10_001, 0, 10_000);
        p = valid(); p.slashBurnBps = 10_001; expectOut(p, 9, 10_001, 0, 10_000);
        p = valid(); p.jailStrikes = 0; expectOut(p, 10, 0, 1, 100);
        p = valid(); p.jailStrikes = 101; expectOut(p, 10, 101, 1, 100);
        p = valid(); p.jailCooldownS = 0; expectOut(p, 11, 0, 1, 365 days);
        p = valid(); p.jailCooldownS = 365 days + 1; expectOut(p, 11, 365 days + 1, 1, 365 days);
        // unbondingPeriodS ≥ max(2 × voteWindowS, jailCooldownS): here the jail (300) is the larger floor.
        p = valid(); p.unbondingPeriodS = 299; expectOut(p, 12, 299, 300, 365 days);
        p = valid(); p.unbondingPeriodS = 10 * 365 days; expectOut(p, 12, 10 * 365 days, 300, 365 days);
        p = valid(); p.epochLengthS = 59; expectOut(p, 13, 59, 60, 365 days);
        p = valid(); p.emissionPerEpoch = 1e27 + 1; expectOut(p, 14, 1e27 + 1, 0, 1e27);
        p = valid(); p.bootstrapEpochs = 1_001; expectOut(p, 15, 1_001, 0, 1_000);
        p = valid(); p.bootstrapBonusBps = 100_001; expectOut(p, 16, 100_001, 0, 100_000);
        p = valid(); p.maxDeclines = 0; expectOut(p, 17, 0, 1, 32);
        p = valid(); p.maxDeclines = 33; expectOut(p, 17, 33, 1, 32);
        p = valid(); p.validatorMinBond = 1e18 - 1; expectOut(p, 18, 1e18 - 1, 1e18, 1e26);
        p = valid(); p.validatorMinBond = 1e26 + 1; expectOut(p, 18, 1e26 + 1, 1e18, 1e26);
        p = valid(); p.challengeBond = 1e15 - 1; expectOut(p, 19, 1e15 - 1, 1e15, 100e18);
        p = valid(); p.challengeBond = 101e18; expectOut(p, 19, 101e18, 1e15, 100e18);
        // The five v2 fields.
        p = valid(); p.minFee = 1e15 - 1; expectOut(p, 20, 1e15 - 1, 1e15, 100e18);
        p = valid(); p.minFee = 100e18 + 1; expectOut(p, 20, 100e18 + 1, 1e15, 100e18);
        p = valid(); p.quorumBps = 999; expectOut(p, 21, 999, 1_000, 5_000);
        p = valid(); p.quorumBps = 5_001; expectOut(p, 21, 5_001, 1_000, 5_000);
        p = valid(); p.voteSlashBps = 99; expectOut(p, 22, 99, 100, 10_000);
        p = valid(); p.voteSlashBps = 10_001; expectOut(p, 22, 10_001, 100, 10_000);
        p = valid(); p.winnerShareBps = 10_001; expectOut(p, 23, 10_001, 0, 10_000);
        p = valid(); p.commitFeeBps = 99; expectOut(p, 24, 99, 100, 10_000);
        p = valid(); p.commitFeeBps = 10_001; expectOut(p, 24, 10_001, 100, 10_000);
    }

    /// @dev Each new field's bounds are inclusive: the edge values themselves are valid.
    function test_newFieldsAcceptTheirEdges() public view {
        Params memory p;
        p = valid(); p.minFee = 1e15; h.validate(p);
        p = valid(); p.minFee = p.minBond; h.validate(p);
        p = valid(); p.quorumBps = 1_000; h.validate(p);
        p = valid(); p.quorumBps = 5_000; h.validate(p);
        p = valid(); p.voteSlashBps = 100; h.validate(p);
        p = valid(); p.voteSlashBps = 10_000; h.validate(p);
        p = valid(); p.winnerShareBps = 0; h.validate(p);
        p = valid(); p.winnerShareBps = 10_000; h.validate(p);
        p = valid(); p.commitFeeBps = 100; h.validate(p);
        p = valid(); p.commitFeeBps = 10_000; h.validate(p);
        p = valid(); p.bootstrapEpochs = 1_000; h.validate(p);
    }

    /// @dev The unbonding floor is max(2 × voteWindowS, jailCooldownS): a validator's bond stays until every vote it
    /// took part in (even extended twice by a quarter) is over, and an exit cannot end before a jail does.
    function test_unbondingFloorIsTwiceTheVoteWindowOrTheJail() public {
        Params memory p = valid();
        // Vote window sets the floor (2 × 200 = 400 > jail 300).
        p.voteWindowS = 200;
        p.unbondingPeriodS = 399;
        expectOut(p, 12, 399, 400, 365 days);
        p.unbondingPeriodS = 400;
        h.validate(p);
        // The jail sets the floor (1,000 > 2 × 200).
        p.jailCooldownS = 1_000;
        expectOut(p, 12, 400, 1_000, 365 days);
        p.unbondingPeriodS = 1_000;
        h.validate(p);
        // A jail longer than a year is refused by its own bound first.
        p.jailCooldownS = 365 days + 1;
        p.unbondingPeriodS = 365 days;
        expectOut(p, 11, 365 days + 1, 1, 365 days);
    }

    /// @dev Fuzz: any vote window and jail inside their own bounds, the unbonding period is refused exactly below
    /// max(2 × voteWindowS, jailCooldownS).
    function testFuzz_unbondingFloor(uint32 vote, uint32 jail, uint32 unbonding) public {
        Params memory p = valid();
        p.voteWindowS = uint32(bound(vote, 4, 30 days));
        p.jailCooldownS = uint32(bound(jail, 1, 365 days));
        uint256 floor = 2 * uint256(p.voteWindowS);
        if (p.jailCooldownS > floor) floor = p.jailCooldownS;
        p.unbondingPeriodS = uint32(bound(unbonding, 0, 365 days));
        if (p.unbondingPeriodS < floor) expectOut(p, 12, p.unbondingPeriodS, floor, 365 days);
        else h.validate(p);
    }

    function testFuzz_encodeDecodeRoundTrip(Params memory p) public view {
        (Params memory back, uint256 length) = h.roundTrip(p);
        assertEq(length, EconomyParams.ENCODED_LENGTH, "length");
        assertEq(keccak256(abi.encode(back)), keccak256(abi.encode(p)), "round trip");
        back = h.roundTripAfter(p, "clone args before and after");
        assertEq(keccak256(abi.encode(back)), keccak256(abi.encode(p)), "round trip inside a longer buffer");
    }

    /// @dev The 126-byte layout, field by field for the tail: the economy reads minFee straight from byte 106 of its
    /// clone arguments (MIN_FEE_OFFSET) and the job parameters from bytes 12..44, without a full decode.
    function test_encodingIs126BytesWithTheNewFieldsAtTheEnd() public view {
        Params memory p = valid();
        p.minFee = 0x0102030405060708090a0b0c; // 12 bytes
        p.quorumBps = 0x1112;
        p.voteSlashBps = 0x2122;
        p.winnerShareBps = 0x3132;
        p.commitFeeBps = 0x4142;
        bytes memory raw = h.encode(p);
        assertEq(raw.length, 126, "126 bytes");
        assertEq(EconomyParams.ENCODED_LENGTH, 126, "declared length");
        assertEq(uint256(uint96(bytes12(slice(raw, 106, 12)))), p.minFee, "minFee at 106..118");
        assertEq(uint256(uint16(bytes2(slice(raw, 118, 2)))), p.quorumBps, "quorumBps at 118..120");
        assertEq(uint256(uint16(bytes2(slice(raw, 120, 2)))), p.voteSlashBps, "voteSlashBps at 120..122");
        assertEq(uint256(uint16(bytes2(slice(raw, 122, 2)))), p.winnerShareBps, "winnerShareBps at 122..124");
        assertEq(uint256(uint16(bytes2(slice(raw, 124, 2)))), p.commitFeeBps, "commitFeeBps at 124..126");
        // The hot path's 32-byte read at 12: minCollateral, multiple, accept window, min deadline, challenge window.
        uint256 w = uint256(bytes32(slice(raw, 12, 32)));
        assertEq(w >> 160, p.minCollateral, "minCollateral at 12");
        assertEq(uint32(w >> 128), p.collateralFeeMultipleBps, "multiple at 24");
        assertEq(uint32(w >> 96), p.acceptWindowS, "accept window at 28");
        assertEq(uint32(w >> 64), p.minDeadlineS, "min deadline at 32");
        assertEq(uint32(w >> 32), p.challengeWindowS, "challenge window at 36");
        (Params memory back, ) = h.roundTrip(p);
        assertEq(keccak256(abi.encode(back)), keccak256(abi.encode(p)), "round trip");
    }

    function slice(bytes memory b, uint256 start, uint256 len) internal pure returns (bytes32 out) {
        bytes memory s = new bytes(32);
        for (uint256 i; i < len; i++) s[i] = b[start + i];
        out = bytes32(s);
    }

    function testFuzz_overridesTakeOnlyMaskedFields(uint32 mask, Params memory values) public view {
        mask = uint32(bound(mask, 0, (1 << 25) - 1));
        Params memory parent = valid();
        Params memory out = h.apply_(parent, ParamOverrides(mask, values));
        bytes32[25] memory a = fields(out);
        bytes32[25] memory pa = fields(parent);
        bytes32[25] memory va = fields(values);
        for (uint256 i; i < 25; i++) {
            assertEq(a[i], mask & (1 << i) != 0 ? va[i] : pa[i], "field from the right side");
        }
    }

    /// @dev Bits 20..24 name the five v2 fields; each is taken from the override alone, the rest from the parent.
    function test_overridesOfTheNewFields() public view {
        Params memory parent = valid();
        Params memory values;
        values.minFee = 2e18;
        values.quorumBps = 4_000;
        values.voteSlashBps = 500;
        values.winnerShareBps = 7_000;
        values.commitFeeBps = 300;
        values.minBond = 1; // bit 0 not set: ignored
        Params memory out = h.apply_(parent, ParamOverrides(uint32(0x1f << 20), values));
        assertEq(out.minFee, 2e18, "bit 20: minFee");
        assertEq(out.quorumBps, 4_000, "bit 21: quorumBps");
        assertEq(out.voteSlashBps, 500, "bit 22: voteSlashBps");
        assertEq(out.winnerShareBps, 7_000, "bit 23: winnerShareBps");
        assertEq(out.commitFeeBps, 300, "bit 24: commitFeeBps");
        assertEq(out.minBond, parent.minBond, "unmasked fields from the parent");
        h.validate(out);
        for (uint256 bit = 20; bit < 25; bit++) {
            out = h.apply_(parent, ParamOverrides(uint32(1 << bit), values));
            bytes32[25] memory a = fields(out);
            bytes32[25] memory pa = fields(parent);
            bytes32[25] memory va = fields(values);
            for (uint256 i; i < 25; i++) assertEq(a[i], i == bit ? va[i] : pa[i], "one bit, one field");
        }
    }

    /// @dev 25 fields: bit 25 and above name nothing and are refused rather than silently ignored.
    function test_overrideMaskRefusesUnknownBits() public {
        Params memory values;
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.UnknownOverrideFields.selector, uint256(1 << 25)));
        h.apply_(valid(), ParamOverrides(uint32(1 << 25), values));
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.UnknownOverrideFields.selector, uint256(type(uint32).max)));
        h.apply_(valid(), ParamOverrides(type(uint32).max, values));
        assertEq(EconomyParams.FIELD_COUNT, 25, "field count");
    }

    function fields(Params memory p) internal pure returns (bytes32[25] memory f) {
        bytes memory e = abi.encode(p);
        for (uint256 i; i < 25; i++) {
            bytes32 w;
            assembly ("memory-safe") {
                w := mload(add(add(e, 32), mul(i, 32)))
            }
            f[i] = w;
        }
    }
}
