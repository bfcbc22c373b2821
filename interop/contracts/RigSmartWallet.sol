// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// A smart wallet for the rig, as small as ERC-1271 allows: one owner, and a signature that is the owner's
/// ECDSA signature of the hash behind a zero type byte (66 bytes, framed as some smart accounts frame theirs).
/// No verifier can take it for an account's own 65-byte signature: only this contract can say it is valid.
contract RigSmartWallet {
    bytes4 private constant ERC1271_MAGIC = 0x1626ba7e;
    bytes4 private constant INVALID = 0xffffffff;
    // secp256k1's n / 2: a larger s is the malleable twin of a valid signature.
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 66 || signature[0] != 0x00) {
            return INVALID;
        }
        bytes32 r = bytes32(signature[1:33]);
        bytes32 s = bytes32(signature[33:65]);
        uint8 v = uint8(signature[65]);
        if (uint256(s) > HALF_N) {
            return INVALID;
        }
        address signer = ecrecover(hash, v, r, s);
        return signer != address(0) && signer == owner ? ERC1271_MAGIC : INVALID;
    }
}
