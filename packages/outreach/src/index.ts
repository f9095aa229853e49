// Campaign engine domain: rendering, A/B assignment, sending windows, mail transports, LLM drafting.
export {};
