/** The admin UI's design tokens, set as CSS custom properties on `:root`. */
export const TOKENS = {
  "--loupe-font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  "--loupe-fg": "#1f2328",
  "--loupe-muted": "#59636e",
  "--loupe-bg": "#ffffff",
  "--loupe-border": "#d1d9e0",
  "--loupe-accent": "#0b5cad",
  "--loupe-danger": "#b42318",
  "--loupe-radius": "6px",
  "--loupe-space": "8px",
} as const;
