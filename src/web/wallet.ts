// The reference wallet: see the wallet page (built last, issue #12 step 6).
export {};
