export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;

export const completionHelp = `Usage: pgtop completion bash|zsh

Prints a completion script for the shell: pgtop's commands, their subcommands and options.
  bash:  pgtop completion bash > ~/.local/share/bash-completion/completions/pgtop
         (or add: source <(pgtop completion bash) to ~/.bashrc)
  zsh:   pgtop completion zsh > "\${fpath[1]}/_pgtop"   (then start a new shell)
         (or add: source <(pgtop completion zsh) to ~/.zshrc, after compinit)`;
