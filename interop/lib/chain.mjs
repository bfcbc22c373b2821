// The local chain: anvil as Base Sepolia (chain id 84532), our EIP-3009 token at the real USDC address,
// a tryAggregate contract at Multicall3's address, and funded accounts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createTestClient, createWalletClient, defineChain, encodeFunctionData, http } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { baseSepolia } from 'viem/chains';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const USDC_ADDRESS = '0x036CbD53842c5426634e7929541eC2318f3dCF7e';
export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11';
export const CHAIN_ID = 84532;
// anvil's well-known development mnemonic: these keys guard nothing outside this loopback chain.
const MNEMONIC = 'test test test test test test test test test test test junk';

/** The rig's roles, each an anvil development account. */
export function accounts() {
  const at = (i) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
  return {
    deployer: at(0), // deploys and mints the token
    facilitator: at(1), // the reference facilitator's gas-paying settlement wallet
    buyer: at(2), // pays with the reference v1 and v2 clients
    payTo: at(3), // Tollgate sample's payTo
    expressPayTo: at(4), // the reference @x402/express server's payTo
    unfunded: at(5), // holds no USDC: its payments must be refused
  };
}

export function rigChain(rpcUrl) {
  // Base Sepolia's identity (id 84532) with the loopback RPC, so no client ever reaches a public node.
  return defineChain({ ...baseSepolia, rpcUrls: { default: { http: [rpcUrl] } } });
}

export async function startAnvil({ port, log }) {
  const bin = path.join(path.dirname(require.resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil');
  const proc = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(CHAIN_ID),
    '--accounts', '6', '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => log?.(`anvil: ${d}`));
  proc.stderr.on('data', (d) => log?.(`anvil: ${d}`));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`anvil exited with ${proc.exitCode}`);
    try {
      const r = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
      const { result } = await r.json();
      if (Number(result) !== CHAIN_ID) throw new Error(`anvil answered chain id ${result}`);
      break;
    } catch (e) {
      if (e.message?.startsWith('anvil answered')) throw e;
      if (Date.now() > deadline) throw new Error(`anvil did not answer on ${rpcUrl} within 20 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  return { proc, rpcUrl };
}

export function compile() {
  const solc = require('solc');
  const sources = {};
  for (const f of ['RigUSDC.sol', 'RigMulticall.sol', 'RigSmartWallet.sol', 'RigWalletFactory.sol']) {
    sources[f] = { content: readFileSync(path.join(here, '..', 'contracts', f), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const pick = (file, name) => ({
    abi: out.contracts[file][name].abi,
    bytecode: `0x${out.contracts[file][name].evm.bytecode.object}`,
  });
  return {
    usdc: pick('RigUSDC.sol', 'RigUSDC'),
    multicall: pick('RigMulticall.sol', 'RigMulticall'),
    smartWallet: pick('RigSmartWallet.sol', 'RigSmartWallet'),
    walletFactory: pick('RigWalletFactory.sol', 'RigWalletFactory'),
    solcVersion: solc.version(),
  };
}

/**
 * Deploys each contract normally, then copies its runtime code (as the chain holds it) to the canonical
 * address with anvil_setCode, initializes the token there, and funds the buyer with USDC and everyone with ETH.
 */
export async function setUpChain(rpcUrl, { buyerFunds = 10_000_000n } = {}) {
  const chain = rigChain(rpcUrl);
  const transport = http(rpcUrl);
  const pub = createPublicClient({ chain, transport });
  const test = createTestClient({ chain, transport, mode: 'anvil' });
  const acct = accounts();
  const deployer = createWalletClient({ chain, transport, account: acct.deployer });
  const { usdc, multicall, smartWallet, walletFactory, solcVersion } = compile();

  async function placeAt(artifact, target) {
    const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`deployment failed: ${hash}`);
    const runtime = await pub.getCode({ address: receipt.contractAddress });
    await test.setCode({ address: target, bytecode: runtime });
    return receipt.contractAddress;
  }
  const deployedUsdc = await placeAt(usdc, USDC_ADDRESS);
  const deployedMulticall = await placeAt(multicall, MULTICALL3_ADDRESS);

  const send = async (req) => {
    const hash = await deployer.writeContract({ address: USDC_ADDRESS, abi: usdc.abi, ...req });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${req.functionName} failed: ${hash}`);
  };
  await send({ functionName: 'initialize', args: [acct.deployer.address] });
  await send({ functionName: 'mint', args: [acct.buyer.address, buyerFunds] });

  const token = {
    read: (functionName, args = []) => pub.readContract({ address: USDC_ADDRESS, abi: usdc.abi, functionName, args }),
    balanceOf: (who) => pub.readContract({ address: USDC_ADDRESS, abi: usdc.abi, functionName: 'balanceOf', args: [who] }),
    mint: (to, value) => send({ functionName: 'mint', args: [to, value] }),
  };
  /** Deploys a RigSmartWallet owned by `owner` (an address) and returns the wallet's address. */
  async function deploySmartWallet(owner) {
    const hash = await deployer.deployContract({ abi: smartWallet.abi, bytecode: smartWallet.bytecode, args: [owner] });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`smart wallet deployment failed: ${hash}`);
    return receipt.contractAddress;
  }
  const factoryHash = await deployer.deployContract({ abi: walletFactory.abi, bytecode: walletFactory.bytecode });
  const factoryReceipt = await pub.waitForTransactionReceipt({ hash: factoryHash });
  if (factoryReceipt.status !== 'success') throw new Error(`wallet factory deployment failed: ${factoryHash}`);
  const factory = factoryReceipt.contractAddress;
  /**
   * A RigSmartWallet owned by `owner` that is not deployed yet: its address, and the factory call that
   * would deploy it (what an ERC-6492 signature carries).
   */
  async function counterfactualWallet(owner, salt) {
    const address = await pub.readContract({ address: factory, abi: walletFactory.abi, functionName: 'getAddress', args: [owner, salt] });
    const factoryCalldata = encodeFunctionData({ abi: walletFactory.abi, functionName: 'createAccount', args: [owner, salt] });
    return { address, factory, factoryCalldata };
  }
  return { chain, pub, test, token, usdcAbi: usdc.abi, solcVersion, deployedUsdc, deployedMulticall, deploySmartWallet,
    walletFactory: factory, counterfactualWallet };
}
