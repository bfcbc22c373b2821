// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// A test stand-in for Circle's USDC on Base Sepolia, written for the Tollgate interop rig.
/// It keeps only what x402's exact scheme touches: ERC-20 balances and EIP-3009
/// transferWithAuthorization under the EIP-712 domain {name "USDC", version "2", chainId, this}.
///
/// The rig installs this contract's runtime code at the real USDC address with anvil_setCode, so
/// nothing here may depend on the constructor: no immutables, no constructor-set storage. The
/// domain separator is computed from block.chainid and address(this) on every call, and the minter
/// is set once through initialize() after the code has been placed.
contract RigUSDC {
    string public constant name = "USDC";
    string public constant version = "2";
    string public constant symbol = "USDC";
    uint8 public constant decimals = 6;

    bytes32 private constant EIP712_DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    // Half the secp256k1 group order: signatures with a larger s are malleable copies and are refused.
    uint256 private constant HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;
    bytes4 private constant ERC1271_MAGIC = 0x1626ba7e;

    address public minter;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(address => mapping(bytes32 => bool)) private usedAuthorizations;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);

    function initialize(address minter_) external {
        require(minter == address(0), "RigUSDC: already initialized");
        require(minter_ != address(0), "RigUSDC: zero minter");
        minter = minter_;
    }

    function mint(address to, uint256 value) external {
        require(msg.sender == minter, "RigUSDC: not the minter");
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(
            abi.encode(EIP712_DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256(bytes(version)), block.chainid, address(this))
        );
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "RigUSDC: allowance exceeded");
        if (allowed != type(uint256).max) {
            allowance[from][msg.sender] = allowed - value;
        }
        _transfer(from, to, value);
        return true;
    }

    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return usedAuthorizations[authorizer][nonce];
    }

    /// EIP-3009 with the signature split into v, r, s (what the reference facilitator sends for EOAs).
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        bytes32 digest = _authorize(from, to, value, validAfter, validBefore, nonce);
        require(_recover(digest, v, r, s) == from, "RigUSDC: invalid signature");
        _transfer(from, to, value);
    }

    /// EIP-3009 with a packed signature: 65-byte ECDSA for accounts without code, ERC-1271 for contracts.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) external {
        bytes32 digest = _authorize(from, to, value, validAfter, validBefore, nonce);
        if (from.code.length > 0) {
            (bool ok, bytes memory ret) =
                from.staticcall(abi.encodeWithSelector(ERC1271_MAGIC, digest, signature));
            require(ok && ret.length >= 32 && abi.decode(ret, (bytes4)) == ERC1271_MAGIC, "RigUSDC: invalid signature");
        } else {
            require(signature.length == 65, "RigUSDC: invalid signature length");
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly {
                r := mload(add(signature, 0x20))
                s := mload(add(signature, 0x40))
                v := byte(0, mload(add(signature, 0x60)))
            }
            require(_recover(digest, v, r, s) == from, "RigUSDC: invalid signature");
        }
        _transfer(from, to, value);
    }

    function _authorize(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce
    ) private returns (bytes32) {
        require(block.timestamp > validAfter, "RigUSDC: authorization is not yet valid");
        require(block.timestamp < validBefore, "RigUSDC: authorization is expired");
        require(!usedAuthorizations[from][nonce], "RigUSDC: authorization is used");
        usedAuthorizations[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
        bytes32 structHash =
            keccak256(abi.encode(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce));
        return keccak256(abi.encodePacked("\x19\x01", DOMAIN_SEPARATOR(), structHash));
    }

    function _recover(bytes32 digest, uint8 v, bytes32 r, bytes32 s) private pure returns (address) {
        if (v < 27) {
            v += 27; // y-parity encoding
        }
        require(v == 27 || v == 28, "RigUSDC: invalid signature v");
        require(uint256(s) <= HALF_N, "RigUSDC: invalid signature s");
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0), "RigUSDC: invalid signature");
        return signer;
    }

    function _transfer(address from, address to, uint256 value) private {
        require(to != address(0), "RigUSDC: transfer to the zero address");
        uint256 balance = balanceOf[from];
        require(balance >= value, "RigUSDC: transfer amount exceeds balance");
        balanceOf[from] = balance - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
