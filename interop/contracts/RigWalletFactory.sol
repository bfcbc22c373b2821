// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import "./RigSmartWallet.sol";

/// Deploys RigSmartWallets at addresses known before they exist (CREATE2), as smart-account factories do, so
/// that a wallet can pay before it is deployed: its signature then carries this factory and the call that
/// deploys it (ERC-6492), and the facilitator makes that call before it settles.
contract RigWalletFactory {
    function createAccount(address owner, uint256 salt) external returns (address wallet) {
        wallet = getAddress(owner, salt);
        if (wallet.code.length == 0) {
            new RigSmartWallet{salt: bytes32(salt)}(owner);
        }
    }

    function getAddress(address owner, uint256 salt) public view returns (address) {
        bytes32 init = keccak256(abi.encodePacked(type(RigSmartWallet).creationCode, abi.encode(owner)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), bytes32(salt), init)))));
    }
}
