// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// The one Multicall3 entry point the reference facilitator uses (tryAggregate), written for the rig and
/// installed at Multicall3's canonical address 0xcA11bde05977b3631167028862bE2a173976CA11. The facilitator
/// batches its diagnostic reads (balance, name, version, authorizationState) through it when a
/// simulated transfer fails, so a replayed authorization is reported with its precise reason.
contract RigMulticall {
    struct Call {
        address target;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function tryAggregate(bool requireSuccess, Call[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (requireSuccess) {
                require(success, "RigMulticall: call failed");
            }
            results[i] = Result(success, ret);
        }
    }
}
