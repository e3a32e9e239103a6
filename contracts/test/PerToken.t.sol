// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {JobStatus, JobView} from "../src/interfaces/EconomyTypes.sol";
import {Params} from "../src/lib/EconomyParams.sol";

/// @notice Jobs priced per token (text generation): the escrow is base + pricePerToken × maxTokens, finalize pays
/// base + pricePerToken × the tokens claimed and refunds the rest to the requester.
contract PerTokenTest is EconomyFixture {
    uint256 internal constant BASE = TOKEN;
    uint256 internal constant PRICE = TOKEN / 100;
    uint32 internal constant MAX_TOKENS = 200;

    address internal provider;

    function setUp() public override {
        super.setUp();
        provider = addProvider("provider", 1_000 * TOKEN, 1, 4);
        vm.roll(block.number + 1);
    }

    function postPerToken(uint256 base, uint256 price, uint32 maxTokens) internal returns (uint256 jobId) {
        vm.prank(requester);
        jobId = eco.postJobPerToken(INFERENCE, MODEL, INPUT, "ipfs://input", base, price, maxTokens, DEADLINE);
    }

    function submitTokens(uint256 jobId, uint32 tokens) internal {
        vm.prank(eco.job(jobId).provider);
        eco.submitResultTokens(jobId, OUTPUT, "ipfs://output", tokens);
    }

    function finalizeNow(uint256 jobId) internal {
        vm.warp(eco.job(jobId).challengeWindowEndsAt);
        eco.finalize(jobId);
    }

    function collateralOf(uint256 fee) internal view returns (uint256 c) {
        Params memory prm = eco.params();
        c = (fee * prm.collateralFeeMultipleBps) / 10_000;
        if (c < prm.minCollateral) c = prm.minCollateral;
    }

    function test_escrowsTheMostAndPaysForTheTokensProduced() public {
        uint256 escrow = BASE + PRICE * MAX_TOKENS;
        uint256 before = tok.balanceOf(requester);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobPricedPerToken(1, PRICE, MAX_TOKENS);
        uint256 id = postPerToken(BASE, PRICE, MAX_TOKENS);
        assertEq(before - tok.balanceOf(requester), escrow, "the whole escrow is pulled");
        JobView memory j = eco.job(id);
        assertEq(j.fee, escrow, "fee is the escrow");
        assertEq(j.pricePerToken, PRICE, "price");
        assertEq(j.maxTokens, MAX_TOKENS, "max tokens");
        assertEq(j.tokens, 0, "nothing claimed yet");
        assertEq(j.collateral, collateralOf(escrow), "collateral counts the whole escrow");
        assignNow(id);
        submitTokens(id, 73);
        assertEq(eco.job(id).tokens, 73, "claimed");
        uint256 treasury = eco.treasury();
        uint256 paid = BASE + PRICE * 73;
        uint256 refund = PRICE * (MAX_TOKENS - 73);
        uint256 protocolFee = (paid * eco.params().protocolFeeBps) / 10_000;
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobTokensPaid(id, 73, refund);
        finalizeNow(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized");
        assertEq(eco.claimable(provider), paid - protocolFee, "provider paid for 73 tokens");
        assertEq(eco.claimable(requester), refund, "the 127 tokens not produced are refunded");
        assertEq(eco.treasury() - treasury, protocolFee, "protocol fee on what was paid");
        assertEq(paid + refund, escrow, "the escrow is spent exactly");
        vm.prank(requester);
        eco.withdraw(requester);
        assertEq(before - tok.balanceOf(requester), paid, "the requester's cost is base + price x tokens");
    }

    function test_allTokensPaysTheWholeEscrowAndNoneOnlyTheBase() public {
        uint256 full = postPerToken(BASE, PRICE, MAX_TOKENS);
        assignNow(full);
        submitTokens(full, MAX_TOKENS);
        finalizeNow(full);
        assertEq(eco.claimable(requester), 0, "nothing to refund");
        uint256 none = postPerToken(BASE, PRICE, MAX_TOKENS);
        assignNow(none);
        submit(none); // submitResult claims no tokens: the base only
        uint256 providerBefore = eco.claimable(provider);
        finalizeNow(none);
        uint256 base = BASE - (BASE * eco.params().protocolFeeBps) / 10_000;
        assertEq(eco.claimable(provider) - providerBefore, base, "the base");
        assertEq(eco.claimable(requester), PRICE * MAX_TOKENS, "every token refunded");
    }

    function test_overClaimReverts() public {
        uint256 id = postPerToken(BASE, PRICE, MAX_TOKENS);
        assignNow(id);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.TooManyTokens.selector, id, MAX_TOKENS + 1, MAX_TOKENS));
        eco.submitResultTokens(id, OUTPUT, "ipfs://output", MAX_TOKENS + 1);
        assertEq(uint256(status(id)), uint256(JobStatus.Assigned), "still assigned");
    }

    function test_aFlatJobClaimsNoTokens() public {
        uint256 id = post(2 * TOKEN);
        assignNow(id);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.TooManyTokens.selector, id, 1, 0));
        eco.submitResultTokens(id, OUTPUT, "ipfs://output", 1);
        vm.prank(provider);
        eco.submitResultTokens(id, OUTPUT, "ipfs://output", 0);
        finalizeNow(id);
        assertEq(eco.claimable(requester), 0, "a flat fee is paid whole");
        JobView memory j = eco.job(id);
        assertEq(j.maxTokens + j.tokens + j.pricePerToken, 0, "no per-token terms");
    }

    function test_baseBelowMinFeeReverts() public {
        uint256 minFee = eco.params().minFee;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.FeeTooLow.selector, minFee - 1, minFee));
        eco.postJobPerToken(INFERENCE, MODEL, INPUT, "ipfs://input", minFee - 1, PRICE, MAX_TOKENS, DEADLINE);
    }

    function test_noMaxTokensPostsAFlatFee() public {
        uint256 id = postPerToken(BASE, PRICE, 0);
        assertEq(eco.job(id).fee, BASE, "flat");
        assertEq(eco.job(id).maxTokens, 0, "no per-token terms");
    }

    function test_aCancelledJobRefundsTheWholeEscrow() public {
        uint256 before = tok.balanceOf(requester);
        uint256 id = postPerToken(BASE, PRICE, MAX_TOKENS);
        vm.roll(block.number + 1_000);
        vm.prank(requester);
        eco.cancelJob(id);
        assertEq(eco.claimable(requester), BASE + PRICE * MAX_TOKENS, "the whole escrow is refunded");
        vm.prank(requester);
        eco.withdraw(requester);
        assertEq(tok.balanceOf(requester), before, "nothing spent");
    }
}
