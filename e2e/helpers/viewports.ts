/**
 * The three widths the responsive layout is checked at, as Playwright context options.
 * Shared by the config (one project per width for the screenshots) and the layout check
 * (which walks all three itself). Phone and tablet emulate a touch screen, so the
 * `(pointer: coarse)` and `(hover: none)` styles apply; the phone is also `isMobile` (the
 * meta viewport is honoured, as on a real phone). Device scale factor 1 everywhere keeps the
 * baselines small and pixel-exact.
 */
export interface Viewport {
  name: 'phone' | 'tablet' | 'desktop';
  use: {
    viewport: { width: number; height: number };
    screen: { width: number; height: number };
    deviceScaleFactor: number;
    isMobile: boolean;
    hasTouch: boolean;
    userAgent: string;
  };
}

const CHROME = '(KHTML, like Gecko) Chrome/136.0.0.0';

export const PHONE: Viewport = {
  name: 'phone',
  use: {
    viewport: { width: 390, height: 844 },
    screen: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    userAgent: `Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 ${CHROME} Mobile Safari/537.36`,
  },
};

export const TABLET: Viewport = {
  name: 'tablet',
  use: {
    viewport: { width: 768, height: 1024 },
    screen: { width: 768, height: 1024 },
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: true,
    userAgent: `Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 ${CHROME} Safari/537.36`,
  },
};

export const DESKTOP: Viewport = {
  name: 'desktop',
  use: {
    viewport: { width: 1440, height: 900 },
    screen: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: false,
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ${CHROME} Safari/537.36`,
  },
};

export const VIEWPORTS: readonly Viewport[] = [PHONE, TABLET, DESKTOP];
