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
        p.jailCooldownS = 600;
        p.unbondingPeriodS = 300;
        p.epochLengthS = 600;
        p.emissionPerEpoch = 1_000e18;
        p.bootstrapEpochs = 6;
        p.bootstrapBonusBps = 10_000;
        p.maxDeclines = 3;
        p.validatorMinBond = 100e18;
        p.challengeBond = 10e18;
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
        p = valid(); p.unbondingPeriodS = 119; expectOut(p, 12, 119, 120, 365 days);
        p = valid(); p.unbondingPeriodS = 10 * 365 days; expectOut(p, 12, 10 * 365 days, 120, 365 days);
        p = valid(); p.epochLengthS = 59; expectOut(p, 13, 59, 60, 365 days);
        p = valid(); p.emissionPerEpoch = 1e27 + 1; expectOut(p, 14, 1e27 + 1, 0, 1e27);
        p = valid(); p.bootstrapEpochs = 10_001; expectOut(p, 15, 10_001, 0, 10_000);
        p = valid(); p.bootstrapBonusBps = 100_001; expectOut(p, 16, 100_001, 0, 100_000);
        p = valid(); p.maxDeclines = 0; expectOut(p, 17, 0, 1, 32);
        p = valid(); p.maxDeclines = 33; expectOut(p, 17, 33, 1, 32);
        p = valid(); p.validatorMinBond = 1e18 - 1; expectOut(p, 18, 1e18 - 1, 1e18, 1e26);
        p = valid(); p.validatorMinBond = 1e26 + 1; expectOut(p, 18, 1e26 + 1, 1e18, 1e26);
        p = valid(); p.challengeBond = 1e15 - 1; expectOut(p, 19, 1e15 - 1, 1e15, 100e18);
        p = valid(); p.challengeBond = 101e18; expectOut(p, 19, 101e18, 1e15, 100e18);
    }

    function testFuzz_encodeDecodeRoundTrip(Params memory p) public view {
        (Params memory back, uint256 length) = h.roundTrip(p);
        assertEq(length, EconomyParams.ENCODED_LENGTH, "length");
        assertEq(keccak256(abi.encode(back)), keccak256(abi.encode(p)), "round trip");
    }

    function testFuzz_overridesTakeOnlyMaskedFields(uint32 mask, Params memory values) public view {
        mask = uint32(bound(mask, 0, (1 << 20) - 1));
        Params memory parent = valid();
        Params memory out = h.apply_(parent, ParamOverrides(mask, values));
        bytes32[20] memory a = fields(out);
        bytes32[20] memory pa = fields(parent);
        bytes32[20] memory va = fields(values);
        for (uint256 i; i < 20; i++) {
            assertEq(a[i], mask & (1 << i) != 0 ? va[i] : pa[i], "field from the right side");
        }
    }

    function fields(Params memory p) internal pure returns (bytes32[20] memory f) {
        bytes memory e = abi.encode(p);
        for (uint256 i; i < 20; i++) {
            bytes32 w;
            assembly ("memory-safe") {
                w := mload(add(add(e, 32), mul(i, 32)))
            }
            f[i] = w;
        }
    }
}
