// The shell functions `strata completion SHELL` prints. Each hands the words typed so far to
// `strata __complete` (completion.ts) and offers what it prints, one candidate a line; none
// knows a command or a flag itself, so they stay true as commands are added.

/** bash: COMP_WORDBREAKS splits "busybox:lat" at the colon, so the words are taken from the line
 * itself and the part before the current word's last colon is taken off each candidate. */
const BASH = `# strata completion for bash: source <(strata completion bash)
_strata() {
  local line=\${COMP_LINE:0:COMP_POINT} cur candidates
  local -a words
  read -ra words <<< "$line"
  [[ $line == *[[:space:]] ]] && words+=("")
  cur=\${words[\${#words[@]}-1]}
  local IFS=$'\\n'
  candidates=$(command "\${COMP_WORDS[0]}" __complete "\${words[@]:1}" 2>/dev/null)
  COMPREPLY=($candidates)
  if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local strip=\${cur%"\${cur##*:}"}
    COMPREPLY=("\${COMPREPLY[@]#"$strip"}")
  fi
}
complete -o default -F _strata strata
`;

const ZSH = `#compdef strata
# strata completion for zsh: source <(strata completion zsh), after compinit
_strata() {
  local -a candidates
  candidates=("\${(@f)$(command \${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- \${candidates:#}
}
if (( $+functions[compdef] )); then compdef _strata strata; fi
`;

const FISH = `# strata completion for fish: strata completion fish | source
function __strata_complete
    set -l words (commandline -opc) (commandline -ct)
    command $words[1] __complete $words[2..-1] 2>/dev/null
end
complete -c strata -a '(__strata_complete)'
`;

export const COMPLETION_SCRIPTS = { bash: BASH, zsh: ZSH, fish: FISH } as const;
